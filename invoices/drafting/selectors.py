"""Drafts and their lines and documents, scoped to the supplier's space."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from invoices.models import Attachment, Invoice, InvoiceLine
from invoices.selectors import invoice_list_for_space
from portal.spaces import Space, SpaceKind


class DraftLocked(Exception):
    """The invoice left the draft stage (queued, sent): it can no longer be edited."""

    def __init__(self, invoice: Invoice) -> None:
        super().__init__(invoice.pk)
        self.invoice = invoice


def draft_for_space(*, space: Space | None, invoice_id: int) -> Invoice:
    """A draft the supplier space may edit. One of its invoices that was sent since raises
    DraftLocked, so that a page left open (or restored by Back) can say so and lead to it;
    anything else is 404."""
    if space is None or space.kind != SpaceKind.SUPPLIER:
        raise Http404
    invoice = get_object_or_404(invoice_list_for_space(space=space), pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise DraftLocked(invoice)
    return invoice


def empty_drafts() -> QuerySet[Invoice]:
    """Drafts in which nothing was typed yet: as "New invoice" opened them."""
    return Invoice.objects.filter(
        status=Invoice.Status.DRAFT,
        source=Invoice.Source.PORTAL,
        number="",
        original_number="",
        recipient__isnull=True,
        service__isnull=True,
        validator__isnull=True,
        original_invoice__isnull=True,
        replaces__isnull=True,
        issue_date__isnull=True,
        due_date__isnull=True,
        payment_mode="",
        bank_account_chorus_id__isnull=True,
        vat_exemption_reason="",
        commitment_number="",
        market_number="",
        comment="",
        draft_input={},
        lines__isnull=True,
        attachments__isnull=True,
    )


def draft_line_for_space(*, space: Space | None, invoice_id: int, line_id: int) -> InvoiceLine:
    invoice = draft_for_space(space=space, invoice_id=invoice_id)
    return get_object_or_404(invoice.lines.select_related("invoice"), pk=line_id)


def draft_attachment_for_space(
    *, space: Space | None, invoice_id: int, attachment_id: int
) -> Attachment:
    """A supporting document of a draft the supplier space may edit; 404 otherwise."""
    invoice = draft_for_space(space=space, invoice_id=invoice_id)
    return get_object_or_404(
        invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING).select_related("invoice"),
        pk=attachment_id,
    )
