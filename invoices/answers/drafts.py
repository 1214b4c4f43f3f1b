"""Drafts a supplier starts from a sent invoice: the corrected invoice that replaces a rejected
one (Chorus Pro cancels a rejected invoice for good), and a credit note."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoices.actions.services import action_under_way
from invoices.answers.selectors import invoice_correction
from invoices.answers.services import (
    invoice_rejection_acknowledge,
    require_allowed,
    supplier_options,
)
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Attachment, Invoice, InvoiceLine

# Copied to a corrected invoice or a credit note: recipient, references and payment data.
COPIED_FIELDS = [
    "recipient_id",
    "service_id",
    "validator_id",
    "billing_framework",
    "currency",
    "payment_mode",
    "bank_account_chorus_id",
    "vat_regime",
    "vat_exemption_reason",
    "commitment_number",
    "market_number",
]


@transaction.atomic
def invoice_correction_create(*, invoice: Invoice, user, acknowledge: bool = False) -> Invoice:
    """The draft that corrects a rejected invoice (Chorus Pro cancels a rejected invoice for
    good: the supplier issues a new one), or one its validator refused. Pre-filled from it,
    without a number; an existing correction is returned rather than a second one. With
    `acknowledge`, the rejection is acknowledged in the same step when that is still to do."""
    require_allowed(
        supplier_options(invoice=invoice).correct,
        _("Only a rejected or refused invoice can be corrected by a new invoice."),
    )
    options = supplier_options(invoice=invoice)
    if acknowledge and options.acknowledge_rejection and action_under_way(invoice=invoice) is None:
        invoice_rejection_acknowledge(invoice=invoice, user=user)
    existing = invoice_correction(invoice=invoice)
    if existing is not None:
        return existing
    draft = _draft_from(
        invoice,
        user=user,
        kind=invoice.kind,
        replaces=invoice,
        # A rejected credit note is corrected by a credit note of the same original invoice.
        original_invoice=invoice.original_invoice,
        original_number=invoice.original_number,
    )
    _copy_supporting_documents(invoice, draft)
    return draft


@transaction.atomic
def invoice_credit_note_create(*, invoice: Invoice, user) -> Invoice:
    """A credit note draft cancelling `invoice` (its lines copied, to be reduced as needed). A
    credit note still in draft for this invoice is returned rather than a second one."""
    require_allowed(
        supplier_options(invoice=invoice).credit_note,
        _("A credit note can only be issued from an invoice sent to Chorus Pro."),
    )
    existing = (
        invoice.credit_notes.filter(status=Invoice.Status.DRAFT).order_by("created_at").first()
    )
    if existing is not None:
        return existing
    return _draft_from(
        invoice,
        user=user,
        kind=Invoice.Kind.CREDIT_NOTE,
        original_invoice=invoice,
        original_number=invoice.number,
    )


def _draft_from(source: Invoice, *, user, kind: str, **extra) -> Invoice:
    today = timezone.localdate()
    due_date = None
    if source.issue_date and source.due_date:
        due_date = today + timedelta(days=(source.due_date - source.issue_date).days)
    draft = Invoice.objects.create(
        supplier=source.supplier,
        created_by=user,
        kind=kind,
        issue_date=today,
        due_date=due_date,
        source=Invoice.Source.PORTAL,
        **{name: getattr(source, name) for name in COPIED_FIELDS},
        **extra,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=draft,
            **{
                f.attname: getattr(line, f.attname)
                for f in InvoiceLine._meta.concrete_fields
                if f.attname not in {"id", "invoice_id"}
            },
        )
        for line in source.lines.order_by("position")
    )
    invoice_totals_refresh(invoice=draft)
    return draft


def _copy_supporting_documents(source: Invoice, draft: Invoice) -> None:
    for item in source.attachments.filter(kind=Attachment.Kind.SUPPORTING):
        with item.file.open("rb") as handle:
            content = handle.read()
        copy = Attachment(
            invoice=draft,
            kind=item.kind,
            name=item.name,
            size=item.size,
            sha256=item.sha256,
            content_type=item.content_type,
        )
        copy.file.save(item.name, ContentFile(content), save=True)
