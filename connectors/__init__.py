"""Connectors to the invoicing software suppliers already use; one Django app per software."""
