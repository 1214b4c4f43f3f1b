"""What the pre-flight page recaps before sending: the parties, the totals, the documents, and a
preview of the invoice's PDF drawn from the draft as it stands."""

from dataclasses import dataclass

from invoices.documents.pdf import invoice_pdf_render
from invoices.drafting.commitments import commitment_check_needed
from invoices.models import Attachment, Invoice


@dataclass(frozen=True)
class Recap:
    invoice: Invoice
    line_count: int
    vat_lines: list
    attachments: list
    previewable: bool


def invoice_recap(*, invoice: Invoice) -> Recap:
    lines = invoice.lines.count()
    return Recap(
        invoice=invoice,
        line_count=lines,
        vat_lines=list(invoice.vat_lines.order_by("rate")),
        attachments=list(invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING)),
        previewable=_previewable(invoice, lines),
    )


def _previewable(invoice: Invoice, line_count: int) -> bool:
    # The PDF names both parties and lists the lines: a draft without them has nothing to show.
    return invoice.recipient_id is not None and line_count > 0


def invoice_preview_pdf(*, invoice: Invoice) -> bytes | None:
    """The PDF people will read (the visible part of the Factur-X document sent), or None when
    the draft cannot show one yet."""
    if not _previewable(invoice, invoice.lines.count()):
        return None
    return invoice_pdf_render(invoice)


def _rules_that_apply(invoice: Invoice) -> dict:
    """For the checks whose rule concerns only some invoices: whether it concerns this one."""
    recipient, service = invoice.recipient, invoice.service
    needs_commitment = recipient is not None and (
        recipient.commitment_required or (service is not None and service.commitment_required)
    )
    return {
        "service": recipient is not None and (recipient.service_code_required or service),
        "commitment": needs_commitment
        or bool(invoice.commitment_number)
        or commitment_check_needed(invoice=invoice),
        "service_or_commitment": recipient is not None and recipient.service_or_commitment_required,
        "validator": invoice.billing_framework in {"A9", "A12"},
        "payment_mode": invoice.kind != Invoice.Kind.CREDIT_NOTE,
        "original": invoice.kind == Invoice.Kind.CREDIT_NOTE,
        "attachments": invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING).exists(),
    }


def checks_that_apply(checks: list, *, invoice: Invoice) -> list:
    """The checks the pre-flight page lists: those whose rule concerns this invoice (a validator
    for A9 and A12 only, an original invoice for a credit note...), and any that fails."""
    applies = _rules_that_apply(invoice)
    return [check for check in checks if not check.ok or applies.get(check.code, True)]
