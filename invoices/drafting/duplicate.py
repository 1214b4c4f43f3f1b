"""Duplicating an invoice: a repeat invoice to a known buyer is a copy with a new number."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from invoices.drafting.commitments import commitment_check_request
from invoices.drafting.defaults import invoice_number_suggest
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine

# What a repeat invoice keeps of the one it copies; the rest (number, dates, documents, history,
# Chorus Pro's answers) belongs to the one copied.
COPIED_FIELDS = [
    "kind",
    "recipient",
    "service",
    "validator",
    "billing_framework",
    "payment_mode",
    "bank_account_chorus_id",
    "vat_regime",
    "vat_exemption_reason",
    "commitment_number",
    "market_number",
    "currency",
]
COPIED_LINE_FIELDS = [
    "reference",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount",
    "vat_rate",
]


@transaction.atomic
def invoice_duplicate(*, invoice: Invoice, user) -> Invoice:
    """A new draft of the same supplier with ``invoice``'s recipient, service, terms and lines;
    dated today, its due date as far from today as the original's was from its date, and the
    next number of the supplier's series. A credit note's copy corrects no invoice yet."""
    copy = Invoice(
        supplier=invoice.supplier,
        created_by=user,
        issue_date=timezone.localdate(),
        **{name: getattr(invoice, name) for name in COPIED_FIELDS},
    )
    if copy.service and not copy.service.is_active:
        copy.service = None
    if invoice.issue_date and invoice.due_date:
        copy.due_date = copy.issue_date + timedelta(
            days=(invoice.due_date - invoice.issue_date).days
        )
    copy.number = invoice_number_suggest(supplier=invoice.supplier, kind=invoice.kind)
    copy.save()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=copy,
            position=line.position,
            **{name: getattr(line, name) for name in COPIED_LINE_FIELDS},
        )
        for line in invoice.lines.order_by("position")
    )
    invoice_totals_refresh(invoice=copy)
    commitment_check_request(invoice=copy)
    return copy
