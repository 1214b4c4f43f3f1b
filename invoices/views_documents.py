"""Views of this part of the invoices app."""


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page (templates/invoices/detail/)."""
    return {}
