"""The invoice page that every space shares, with the panels of each capability."""
