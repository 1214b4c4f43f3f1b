"""What the pre-flight page recaps before sending: the parties, the totals, the documents, and a
preview of the invoice's PDF drawn from the draft as it stands."""

from dataclasses import dataclass

from invoices.documents.pdf import invoice_pdf_render
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
