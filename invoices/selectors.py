"""Every query on invoices that a view makes, scoped to the user's active space.

The space comes from one of the user's own memberships (portal.spaces), so filtering on its
structure is enough to keep one structure's invoices away from another's users.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from invoices.models import Attachment, Invoice
from portal.spaces import Space, SpaceKind


def invoice_list_for_space(*, space: Space | None) -> QuerySet[Invoice]:
    if space is None:
        return Invoice.objects.none()
    invoices = Invoice.objects.select_related("supplier", "recipient", "service", "validator")
    if space.kind == SpaceKind.SUPPLIER:
        return invoices.filter(supplier=space.structure)
    # Recipients and validators never see a supplier's drafts or unsent invoices.
    sent = invoices.filter(chorus_invoice_id__isnull=False)
    if space.kind == SpaceKind.RECIPIENT:
        return sent.filter(recipient=space.structure)
    return sent.filter(validator=space.structure)


def invoice_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    return get_object_or_404(invoice_list_for_space(space=space), pk=invoice_id)


def attachment_for_space(*, space: Space | None, attachment_id: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(invoice__in=invoice_list_for_space(space=space)),
        pk=attachment_id,
    )
