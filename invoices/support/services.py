"""What support staff may do from the back-office, safely.

Every operation here is safe to repeat: re-enqueueing a submission relies on invoice_send's claim
and adoption (never two Chorus Pro invoices); a resync only reads Chorus Pro and records history
entries once (database constraint); a failed action is retried as a new action, so the failed
one stays in the record with its error.
"""

from django.db import transaction

from invoices.actions.services import action_queue
from invoices.models import Invoice, InvoiceAction
from invoices.sending.status_sync import history_record
from invoices.sending.submission import SENDING
from structures.chorus import chorus_client_for
from structures.selectors import connection_for_structure


class SupportRefusedError(Exception):
    """The operation does not apply to this object; the message says why, for the admin."""


def invoice_send_retry(*, invoice: Invoice) -> None:
    """Send now a submission whose task was lost or that waits for its next attempt. Refused
    invoices go back to their author: resending what Chorus Pro refused would only be refused
    again. A worker sending it right now keeps it."""
    from invoices.sending.tasks import invoice_send_task

    if invoice.status not in (Invoice.Status.QUEUED, Invoice.Status.SENDING):
        raise SupportRefusedError(f"{invoice}: only queued or sending invoices can be re-sent.")
    if not SENDING.due_now(invoice.pk):
        raise SupportRefusedError(f"{invoice}: a worker is sending it right now.")
    transaction.on_commit(lambda: invoice_send_task.delay(invoice.pk))


def invoice_resync_queue(*, invoice: Invoice) -> None:
    if invoice.chorus_invoice_id is None:
        raise SupportRefusedError(f"{invoice}: not in Chorus Pro yet.")
    from invoices.support.tasks import invoice_resync_task

    transaction.on_commit(lambda: invoice_resync_task.delay(invoice.pk))


def invoice_resync(*, invoice_id: int) -> bool:
    """Read the invoice's history from Chorus Pro now, through whichever side's account the
    portal has (supplier first: it sees every status). Returns whether the status changed."""
    invoice = Invoice.objects.select_related("supplier", "recipient").get(pk=invoice_id)
    for side, structure in (("supplier", invoice.supplier), ("recipient", invoice.recipient)):
        if structure is None:
            continue
        connection = connection_for_structure(structure=structure)
        if connection is None:
            continue
        with chorus_client_for(connection, invoice=invoice) as client:
            group = client.supplier if side == "supplier" else client.recipient
            history = group.history(invoice.chorus_invoice_id)
        return history_record(invoice, history)
    raise SupportRefusedError(f"{invoice}: no Chorus Pro connection on either side.")


def action_retry(*, action: InvoiceAction, user) -> InvoiceAction:
    """Queue a failed action again, as a new action with the same request."""
    if action.status != InvoiceAction.Status.FAILED:
        raise SupportRefusedError(f"{action}: only failed actions can be retried.")
    return action_queue(invoice=action.invoice, kind=action.kind, payload=action.payload, user=user)
