"""What the support console reads. Support staff see every structure's records: the scoping
here is the back-office's own (staff only, by invoices/support/site.py), not a portal space."""

from django.shortcuts import get_object_or_404

from invoices.models import Invoice, InvoiceAction
from invoices.support.diagnosis import acting_connection, invoice_diagnoses
from invoices.support.models import SupportActionKind
from invoices.support.services import target_model
from invoices.support.timeline import invoice_timeline
from structures.models import ChorusExchange


def safe_action_target(*, kind: str, target_id: int):
    """The invoice, failed action or structure a safe action applies to (404 if none)."""
    model = target_model(kind)
    rows = model.objects.all()
    if model is InvoiceAction:
        rows = rows.select_related("invoice")
    return get_object_or_404(rows, pk=target_id)


def exchange_for_invoice(*, invoice_id: int, exchange_id: int) -> ChorusExchange:
    return get_object_or_404(ChorusExchange, pk=exchange_id, invoice_id=invoice_id)


def invoice_overview(*, invoice_id: int) -> dict:
    """Everything the overview shows: the invoice and its parties, lines and totals, where it
    stands (diagnoses), the safe actions that apply, and the timeline."""
    invoice = get_object_or_404(
        Invoice.objects.select_related(
            "supplier", "recipient", "service", "validator", "second_validator", "flow"
        ),
        pk=invoice_id,
    )
    diagnoses = invoice_diagnoses(invoice=invoice)
    connection = acting_connection(invoice)
    failed = invoice.actions.filter(status=InvoiceAction.Status.FAILED).order_by("-created_at")
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.order_by("position")),
        "vat_lines": list(invoice.vat_lines.order_by("rate")),
        "attachments": list(invoice.attachments.all()),
        "diagnoses": diagnoses,
        "connection": connection,
        "failed_actions": list(failed[:5]),
        "offered": _offered(invoice, connection),
        "timeline": invoice_timeline(invoice=invoice),
    }


def _offered(invoice: Invoice, connection) -> list[tuple[str, int, str]]:
    """(kind, target id, label) of the safe actions that apply to the invoice now."""
    offered = []
    if invoice.status in (Invoice.Status.QUEUED, Invoice.Status.SENDING):
        offered.append(SupportActionKind.SUBMISSION_RESEND)
    if invoice.chorus_invoice_id is not None:
        offered.append(SupportActionKind.INVOICE_RESYNC)
    rows = [(kind, invoice.pk, kind.label) for kind in offered]
    if connection is not None:
        structure = connection.structure
        rows.append(
            (
                SupportActionKind.CONNECTION_TEST,
                structure.pk,
                SupportActionKind.CONNECTION_TEST.label,
            )
        )
        if structure.is_public:
            rows.append(
                (SupportActionKind.INBOX_RESYNC, structure.pk, SupportActionKind.INBOX_RESYNC.label)
            )
    return rows
