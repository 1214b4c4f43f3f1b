"""Drafting an invoice: the editor, its lines, recipient picker, documents and commitment check."""
