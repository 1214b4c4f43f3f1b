"""Received invoices and invoices to validate, synced from Chorus Pro."""
