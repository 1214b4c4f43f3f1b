"""What support staff may do from the back-office, safely, each run recorded in the support audit.

Every operation here is safe to repeat: re-enqueueing a submission relies on invoice_send's claim
and adoption (never two Chorus Pro invoices); a resync only reads Chorus Pro and records history
entries once (database constraint); a failed action is retried as a new action, so the failed
one stays in the record with its error; a connection test only reads; an inbox cycle runs one at
a time per account (its lock) and finds stored rows by their Chorus Pro id. All work is queued
(``portal.jobs.enqueue``, after commit): no request waits on Chorus Pro.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services.audit import person_name
from invoices.actions.services import ActionUnderWayError, action_queue
from invoices.models import Invoice, InvoiceAction
from invoices.sending.resync import ResyncImpossible, invoice_resync_later
from invoices.sending.submission import SEND_TASK, SENDING
from invoices.support.models import SupportActionKind, SupportOutcome, SupportRecord
from portal.jobs import enqueue
from structures.models import Membership, Structure
from structures.selectors import connection_for_structure
from structures.services.connection import connection_test_request

# The inbox sync's task (invoices/inbox/tasks.py), queued by name: a service imports no task.
INBOX_SYNC_TASK = "invoices.inbox_sync"


class SupportRefusedError(Exception):
    """The operation does not apply to this object; the message says why, for the agent."""


def invoice_send_retry(*, invoice: Invoice) -> None:
    """Send now a submission whose task was lost or that waits for its next attempt. Refused
    invoices go back to their author: resending what Chorus Pro refused would only be refused
    again. A worker sending it right now keeps it."""
    if invoice.status not in (Invoice.Status.QUEUED, Invoice.Status.SENDING):
        raise SupportRefusedError(
            _("%(invoice)s: only an invoice queued or being sent can be sent again.")
            % {"invoice": invoice}
        )
    if not SENDING.due_now(invoice.pk):
        raise SupportRefusedError(
            _("%(invoice)s: a worker is sending it right now.") % {"invoice": invoice}
        )
    enqueue(SEND_TASK, invoice.pk)


def invoice_resync_queue(*, invoice: Invoice) -> None:
    """Read the invoice again from Chorus Pro, in a worker."""
    try:
        invoice_resync_later(invoice=invoice)
    except ResyncImpossible as error:
        raise SupportRefusedError(
            _("%(invoice)s: not in Chorus Pro yet, or no Chorus Pro connection on either side.")
            % {"invoice": invoice}
        ) from error


def action_retry(*, action: InvoiceAction, user) -> InvoiceAction:
    """Queue a failed action again, as a new action with the same request."""
    if action.status != InvoiceAction.Status.FAILED:
        raise SupportRefusedError(
            _("%(action)s: only a failed action can be retried.") % {"action": action}
        )
    try:
        return action_queue(
            invoice=action.invoice, kind=action.kind, payload=action.payload, user=user
        )
    except ActionUnderWayError as error:
        raise SupportRefusedError(
            _("%(invoice)s: another action is under way; retry once it is finished.")
            % {"invoice": action.invoice}
        ) from error


def structure_connection_test(*, structure: Structure) -> None:
    """Test each link of the structure's Chorus Pro connection, in a worker; the report shows on
    the structure's connection page and the health page."""
    connection = connection_for_structure(structure=structure)
    if connection is None:
        raise SupportRefusedError(
            _("%(name)s: no Chorus Pro connection.") % {"name": structure.name}
        )
    connection_test_request(connection=connection)


def structure_inbox_resync(*, structure: Structure) -> list[str]:
    """Run the structure's inbox cycles now (received invoices, and invoices to validate when it
    has validators) rather than at their next due time. Returns the sides queued."""
    connection = connection_for_structure(structure=structure)
    if connection is None:
        raise SupportRefusedError(
            _("%(name)s: no Chorus Pro connection.") % {"name": structure.name}
        )
    sides = []
    if structure.is_public:
        sides.append("recipient")
    if structure.memberships.filter(role=Membership.Role.VALIDATOR).exists():
        sides.append("validator")
    if not sides:
        raise SupportRefusedError(
            _("%(name)s: receives no invoices and validates none.") % {"name": structure.name}
        )
    for side in sides:
        enqueue(INBOX_SYNC_TASK, connection.pk, side)
    return sides


@dataclass(frozen=True)
class RegisteredAction:
    """A safe action that an app outside the core runs on one of its own objects: ``run(target,
    user)`` raises SupportRefusedError when it does not apply; ``invoice_of(target)`` names the
    invoice the record is about, if any."""

    model: type
    run: Callable
    invoice_of: Callable = lambda target: None


# Filled by the apps' ready() (register_safe_action): the core never imports them.
REGISTERED_ACTIONS: dict[str, RegisteredAction] = {}


def register_safe_action(kind: str, model: type, run: Callable, invoice_of=None) -> None:
    REGISTERED_ACTIONS[kind] = RegisteredAction(model, run, invoice_of or (lambda target: None))


def target_model(kind: str) -> type:
    if kind in REGISTERED_ACTIONS:
        return REGISTERED_ACTIONS[kind].model
    return TARGET_MODELS[SupportActionKind(kind)]


def _run(kind: str, target, user) -> str:
    if kind in REGISTERED_ACTIONS:
        return REGISTERED_ACTIONS[kind].run(target, user) or ""
    if kind == SupportActionKind.INVOICE_RESYNC:
        invoice_resync_queue(invoice=target)
        return ""
    if kind == SupportActionKind.SUBMISSION_RESEND:
        invoice_send_retry(invoice=target)
        return ""
    if kind == SupportActionKind.ACTION_RETRY:
        retried = action_retry(action=target, user=user)
        return _("queued again as action #%(id)d") % {"id": retried.pk}
    if kind == SupportActionKind.CONNECTION_TEST:
        structure_connection_test(structure=target)
        return ""
    if kind == SupportActionKind.INBOX_RESYNC:
        labels = {"recipient": _("received invoices"), "validator": _("invoices to validate")}
        return ", ".join(labels[side] for side in structure_inbox_resync(structure=target))
    raise ValueError(f"unknown support action {kind!r}")


# What each action applies to: the confirmation page loads it by id.
TARGET_MODELS = {
    SupportActionKind.INVOICE_RESYNC: Invoice,
    SupportActionKind.SUBMISSION_RESEND: Invoice,
    SupportActionKind.ACTION_RETRY: InvoiceAction,
    SupportActionKind.CONNECTION_TEST: Structure,
    SupportActionKind.INBOX_RESYNC: Structure,
}


def support_action_run(*, kind: str, target, user, reason: str) -> SupportRecord:
    """Run one safe action on ``target`` (an invoice, a failed action or a structure) and record
    who ran it, when, why, and what came of it: handed to a worker, or not run and why. The
    record is written whatever the outcome, in the same transaction as the queueing."""
    invoice = target if isinstance(target, Invoice) else getattr(target, "invoice", None)
    if kind in REGISTERED_ACTIONS:
        invoice = REGISTERED_ACTIONS[kind].invoice_of(target)
    structure = target if isinstance(target, Structure) else None
    with transaction.atomic():
        try:
            detail = _run(kind, target, user)
        except SupportRefusedError as error:
            outcome, detail = SupportOutcome.REFUSED, str(error)
        else:
            outcome = SupportOutcome.QUEUED
        return SupportRecord.objects.create(
            actor=user,
            actor_name=person_name(user),
            kind=kind,
            invoice=invoice,
            structure=structure,
            reason=reason.strip(),
            outcome=outcome,
            outcome_message=detail,
        )
