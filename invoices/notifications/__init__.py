"""Notices of status changes and arrivals, in the portal and by e-mail."""
