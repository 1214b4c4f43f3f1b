"""What support staff may do from the back-office, safely.

Every operation here is safe to repeat: re-enqueueing a submission relies on invoice_send's claim
and adoption (never two Chorus Pro invoices); a resync only reads Chorus Pro and records history
entries once (database constraint); a failed action is retried as a new action, so the failed
one stays in the record with its error.
"""

from invoices.actions.services import action_queue
from invoices.models import Invoice, InvoiceAction
from invoices.sending.resync import ResyncImpossible, invoice_resync_later
from invoices.sending.submission import SEND_TASK, SENDING
from portal.jobs import enqueue


class SupportRefusedError(Exception):
    """The operation does not apply to this object; the message says why, for the admin."""


def invoice_send_retry(*, invoice: Invoice) -> None:
    """Send now a submission whose task was lost or that waits for its next attempt. Refused
    invoices go back to their author: resending what Chorus Pro refused would only be refused
    again. A worker sending it right now keeps it."""
    if invoice.status not in (Invoice.Status.QUEUED, Invoice.Status.SENDING):
        raise SupportRefusedError(f"{invoice}: only queued or sending invoices can be re-sent.")
    if not SENDING.due_now(invoice.pk):
        raise SupportRefusedError(f"{invoice}: a worker is sending it right now.")
    enqueue(SEND_TASK, invoice.pk)


def invoice_resync_queue(*, invoice: Invoice) -> None:
    """Read the invoice again from Chorus Pro, in a worker."""
    try:
        invoice_resync_later(invoice=invoice)
    except ResyncImpossible as error:
        raise SupportRefusedError(str(error)) from error


def action_retry(*, action: InvoiceAction, user) -> InvoiceAction:
    """Queue a failed action again, as a new action with the same request."""
    if action.status != InvoiceAction.Status.FAILED:
        raise SupportRefusedError(f"{action}: only failed actions can be retried.")
    return action_queue(invoice=action.invoice, kind=action.kind, payload=action.payload, user=user)
