"""Supplier answers to Chorus Pro's statuses (owned by the supplier-actions work)."""
