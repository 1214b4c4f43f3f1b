"""A user's downloads, scoped to the structure they act for."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal.spaces import Space


def invoice_download_list_for_space(*, space: Space | None, user) -> QuerySet:
    """The user's own downloads made for the structure of their active space."""
    from invoices.models import InvoiceDownload  # appended part: the top import is shared

    if space is None:
        return InvoiceDownload.objects.none()
    return InvoiceDownload.objects.filter(user=user, structure=space.structure)


def invoice_download_for_space(*, space: Space | None, user, download_id: int):
    return get_object_or_404(
        invoice_download_list_for_space(space=space, user=user), pk=download_id
    )
