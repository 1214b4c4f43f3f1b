"""Recipient treatment and validator decisions (owned by the treatment work)."""
