"""Decisions on sent invoices (complete, recycle, acknowledge a rejection, correct the validator,
treat, validate, refuse), carried to Chorus Pro by a worker.

The web request records an InvoiceAction and returns; `action_run` (a Celery task) does the call:

1. Claim the action with a conditional UPDATE when its attempt is due (queued, waiting for its
   retry, or left by a worker whose lease expired), so one worker holds it at a time, with a
   short lease kept while it works (invoices/retries.py).
2. Call the handler registered for the action's kind, with a client for the technical account of
   the side that acts (supplier, recipient or validator).
3. Record the outcome: done (with the handler's result), failed (Chorus Pro's code and libelle,
   kept raw for the page to explain), or queued again until its next attempt is due (backoff or
   Retry-After) on a transient failure.

A handler must be safe to run again after a transient failure that may have reached Chorus Pro:
when `action.attempts > 1` it reads the invoice's real status first and treats "already there" as
done. At most one action per invoice is under way (database constraint): a double click or two
agents deciding at once cannot send two decisions.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from chorus_client import (
    ChorusAuthenticationError,
    ChorusProtocolError,
    ChorusRejectedError,
)
from invoices.models import Invoice, InvoiceAction
from invoices.retries import WorkQueue
from invoices.signals import action_failed
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.selectors import connection_for_structure

# The task that carries an action to Chorus Pro (invoices/actions/tasks.py).
ACTION_TASK = "invoices.action"
ACTIONS = WorkQueue(
    InvoiceAction,
    pending=Q(status__in=[InvoiceAction.Status.QUEUED, InvoiceAction.Status.RUNNING]),
    lease="lease_until",
    due="next_attempt_at",
    attempts="attempts",
)


class ActionUnderWayError(Exception):
    """Another decision about this invoice is still being carried to Chorus Pro."""


class ActionNotAllowedError(Exception):
    """The portal itself refuses the action (wrong status, missing motive...); `message` is the
    French sentence to show, `field` the form field it is about, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Handler:
    # Whose technical account makes the call: the invoice's "supplier", "recipient" or
    # "validator", or a function of the action naming the structure (a validator's decision is
    # made at the level the invoice waits at, first or second).
    side: str | Callable[[InvoiceAction], Any]
    run: Callable[[Any, InvoiceAction], dict]

    def acting_structure(self, action: InvoiceAction):
        return self.side(action) if callable(self.side) else getattr(action.invoice, self.side)


HANDLERS: dict[str, Handler] = {}


def action_handler(kind: str, *, side: str | Callable[[InvoiceAction], Any]):
    """Register the function that carries actions of this kind to Chorus Pro."""

    def register(function: Callable[[Any, InvoiceAction], dict]):
        HANDLERS[kind] = Handler(side=side, run=function)
        return function

    return register


def action_queue(
    *, invoice: Invoice, kind: str, payload: dict, user=None, batch=None
) -> InvoiceAction:
    """Record the decision and hand it to a worker once the transaction commits."""
    try:
        with transaction.atomic():
            action = InvoiceAction.objects.create(
                invoice=invoice, kind=kind, payload=payload, created_by=user, batch=batch
            )
    except IntegrityError as error:
        raise ActionUnderWayError(str(error)) from error
    enqueue(ACTION_TASK, action.pk)
    return action


def action_under_way(*, invoice: Invoice) -> InvoiceAction | None:
    return invoice.actions.filter(
        status__in=[InvoiceAction.Status.QUEUED, InvoiceAction.Status.RUNNING]
    ).first()


def _claim(action_id: int) -> InvoiceAction | None:
    if not ACTIONS.claim(action_id, status=InvoiceAction.Status.RUNNING):
        return None
    return InvoiceAction.objects.select_related(
        "invoice",
        "invoice__supplier",
        "invoice__recipient",
        "invoice__validator",
        "invoice__second_validator",
        "created_by",
    ).get(pk=action_id)


def _finish(action: InvoiceAction, **fields) -> None:
    InvoiceAction.objects.filter(pk=action.pk).update(
        lease_until=None, finished_at=timezone.now(), **fields
    )


def _failed(action: InvoiceAction, structure, *, code: str, message: str) -> None:
    """Record the failure and announce it (invoices/signals.py) in the same transaction."""
    with transaction.atomic():
        _finish(action, status=InvoiceAction.Status.FAILED, error_code=code, error_message=message)
        action.status, action.error_code, action.error_message = "failed", code, message
        action_failed.send(sender=InvoiceAction, action=action, structure=structure)


def action_run(*, action_id: int) -> str:
    """Worker side; safe to run twice. Returns what happened, for logs."""
    action = _claim(action_id)
    if action is None:
        return "not-claimed"
    handler = HANDLERS[action.kind]
    structure = handler.acting_structure(action)
    connection = connection_for_structure(structure=structure)
    if connection is None:
        _failed(action, structure, code="NO_CONNECTION", message="")
        return "failed"
    try:
        with (
            ACTIONS.held(action.pk, action.attempts, on_retry=_queued_again),
            chorus_client_for(connection, invoice=action.invoice) as client,
        ):
            result = handler.run(client, action)
    except ChorusRejectedError as error:
        _failed(action, structure, code=str(error.code), message=error.message or "")
        return "failed"
    except ChorusAuthenticationError as error:
        _failed(action, structure, code="AUTHENTICATION", message=str(error))
        return "failed"
    except ChorusProtocolError as error:
        # An answer we cannot read will not read better on a retry: fail, and let support see
        # the exchange, rather than retry it until the lease runs out, forever.
        _failed(action, structure, code="PROTOCOL", message=str(error))
        return "failed"
    _finish(action, status=InvoiceAction.Status.DONE, result=result or {})
    return "done"


def _queued_again(_error) -> dict:
    return {"status": InvoiceAction.Status.QUEUED}


def actions_lost(*, now=None) -> list[int]:
    """Actions whose task was lost (broker flushed, worker gone), made due again: never one that
    waits for its scheduled retry."""
    return ACTIONS.lost(now=now)
