"""Sending: the pre-flight page, exactly-once submission to Chorus Pro and the status sync."""
