"""Invoices a supplier may send again after Chorus Pro refused them."""

from django.shortcuts import get_object_or_404

from invoices.models import Invoice
from invoices.selectors import invoice_list_for_space
from portal.spaces import Space


def refused_invoice_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """An invoice of the space whose submission Chorus Pro refused, to be corrected."""
    return get_object_or_404(
        invoice_list_for_space(space=space).filter(status=Invoice.Status.SUBMISSION_REFUSED),
        pk=invoice_id,
    )
