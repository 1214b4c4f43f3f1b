"""A recipient's decisions on received invoices (traiter/recue, contract §5.12 and §9.3).

1. The page offers only the statuses Chorus Pro allows from the current one (cached list, see
   `reference`); `invoice_treat` checks the request against that list and the motive rules, in
   French, before anything is queued.
2. A worker carries the decision (`treat_run`), then re-reads the history so the invoice page
   shows the decision at once.
3. When Chorus Pro refuses the transition (20002: someone, or Hélios, moved the invoice in the
   meantime), the worker re-reads the real status and history, stores them, and the action fails
   with what happened.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from chorus_client import ChorusRejectedError, InvoiceStatus
from invoices.actions.services import (
    ActionNotAllowedError,
    ActionUnderWayError,
    action_handler,
    action_queue,
    action_under_way,
)
from invoices.models import FINAL_CHORUS_STATUSES, ChorusStatus, Invoice, InvoiceAction
from invoices.sending.status_sync import history_record
from invoices.treatment.reference import Reference, connection_for, possible_statuses

FORBIDDEN_TRANSITION = 20002
MAX_MOTIVE = 255  # contract §5.12: Chorus Pro keeps 255 characters of a motive
MAX_MANDATE_NUMBER = 50
MOTIVE_REQUIRED = frozenset({ChorusStatus.SUSPENDED, ChorusStatus.REJECTED})
# Everything a recipient may ask for through traiter/recue (contract §9.3), in lifecycle order;
# which of them are open for a given invoice is Chorus Pro's answer, not this list. A_RECYCLER
# is not among them, whatever Chorus Pro answers: recycling is withdrawn (AIFE annex v6.1, §2),
# a routing error is a rejection whose motive names the right recipient, service or commitment.
RECIPIENT_TARGETS = (
    ChorusStatus.SERVICE_DONE,
    ChorusStatus.MANDATED,
    ChorusStatus.AVAILABLE_TO_ACCOUNTANT,
    ChorusStatus.ACCOUNTED,
    ChorusStatus.PAID,
    ChorusStatus.SUSPENDED,
    ChorusStatus.REJECTED,
)


def treatment_options(*, invoice: Invoice) -> Reference:
    """The statuses the recipient may set next, in lifecycle order (or loading, or an error).
    A final invoice, or one not yet with the recipient, has none, and Chorus Pro is not asked."""
    if not invoice.chorus_status or invoice.chorus_status in FINAL_CHORUS_STATUSES:
        return Reference(values=[])
    answer = possible_statuses(
        connection=connection_for(invoice.recipient), current=invoice.chorus_status
    )
    if answer.values is None:
        return answer
    allowed = set(answer.values)
    return Reference(values=[status for status in RECIPIENT_TARGETS if status in allowed])


def treatment_check(
    *,
    invoice: Invoice,
    target_status: str,
    motive: str,
    mandate_number: str,
    confirmed: bool,
    options: Reference,
) -> None:
    """Raise ActionNotAllowedError (French, with the form field) when the request cannot go."""
    if options.values is None:
        raise ActionNotAllowedError(
            options.error
            or _("The statuses Chorus Pro allows are still loading: try again in a moment.")
        )
    label = ChorusStatus(target_status).label if target_status in ChorusStatus.values else ""
    if target_status not in options.values:
        raise ActionNotAllowedError(
            _("Chorus Pro does not allow “%(target)s” from “%(current)s”.")
            % {"target": label or target_status, "current": invoice.get_chorus_status_display()},
            field="target_status",
        )
    if target_status in MOTIVE_REQUIRED and not motive:
        raise ActionNotAllowedError(
            _("Give a motive: Chorus Pro requires one to set “%(target)s”.") % {"target": label},
            field="motive",
        )
    if len(motive) > MAX_MOTIVE:
        raise ActionNotAllowedError(
            _(
                "The motive is limited to %(limit)s characters (Chorus Pro keeps no more); "
                "it has %(length)s."
            )
            % {"limit": MAX_MOTIVE, "length": len(motive)},
            field="motive",
        )
    if target_status == ChorusStatus.MANDATED and not mandate_number:
        raise ActionNotAllowedError(
            _("Give the number of the payment order (mandate)."), field="mandate_number"
        )
    if len(mandate_number) > MAX_MANDATE_NUMBER:
        raise ActionNotAllowedError(
            _("The mandate number is limited to %(limit)s characters.")
            % {"limit": MAX_MANDATE_NUMBER},
            field="mandate_number",
        )
    if target_status == ChorusStatus.REJECTED and not confirmed:
        raise ActionNotAllowedError(
            _("A rejection cancels the invoice for good: confirm it first."), field="confirmed"
        )


def invoice_treat(
    *,
    invoice: Invoice,
    user,
    target_status: str,
    motive: str = "",
    mandate_number: str = "",
    confirmed: bool = False,
    batch: uuid.UUID | None = None,
) -> InvoiceAction:
    """Check the decision, then queue it for a worker. Raises ActionNotAllowedError or
    ActionUnderWayError (another decision about this invoice is still on its way)."""
    motive = motive.strip()
    mandate_number = mandate_number.strip()
    treatment_check(
        invoice=invoice,
        target_status=target_status,
        motive=motive,
        mandate_number=mandate_number,
        confirmed=confirmed,
        options=treatment_options(invoice=invoice),
    )
    payload = {"target_status": target_status, "from_status": invoice.chorus_status}
    if motive:
        payload["motive"] = motive
    if target_status == ChorusStatus.MANDATED:
        payload["mandate_number"] = mandate_number
    return action_queue(
        invoice=invoice, kind=InvoiceAction.Kind.TREAT, payload=payload, user=user, batch=batch
    )


@dataclass(frozen=True)
class PreviewRow:
    invoice: Invoice
    # "ok": will be sent; "loading": Chorus Pro's list is being fetched; "skip": left alone.
    verdict: str
    reason: str = ""


def treatment_preview(
    *, invoices: list[Invoice], target_status: str, motive: str = "", mandate_number: str = ""
) -> list[PreviewRow]:
    """What a batch decision would do to each invoice, without doing it."""
    rows = []
    for invoice in invoices:
        if action_under_way(invoice=invoice) is not None:
            rows.append(
                PreviewRow(
                    invoice, "skip", _("Another decision is already on its way to Chorus Pro.")
                )
            )
            continue
        options = treatment_options(invoice=invoice)
        if options.loading:
            rows.append(PreviewRow(invoice, "loading"))
            continue
        try:
            treatment_check(
                invoice=invoice,
                target_status=target_status,
                motive=motive.strip(),
                mandate_number=mandate_number.strip(),
                confirmed=True,
                options=options,
            )
        except ActionNotAllowedError as error:
            rows.append(PreviewRow(invoice, "skip", error.message))
            continue
        rows.append(PreviewRow(invoice, "ok"))
    return rows


@dataclass(frozen=True)
class BatchOutcome:
    batch: uuid.UUID
    queued: list[InvoiceAction]
    skipped: list[PreviewRow]


def invoice_treat_batch(
    *,
    invoices: list[Invoice],
    user,
    target_status: str,
    motive: str = "",
    mandate_number: str = "",
    confirmed: bool = False,
) -> BatchOutcome:
    """One action per invoice the decision is allowed for, all sharing one batch id; the others
    are returned with the reason they were left alone."""
    if target_status == ChorusStatus.REJECTED and not confirmed:
        raise ActionNotAllowedError(
            _("A rejection cancels the invoices for good: confirm it first."), field="confirmed"
        )
    batch = uuid.uuid4()
    queued, skipped = [], []
    for invoice in invoices:
        try:
            queued.append(
                invoice_treat(
                    invoice=invoice,
                    user=user,
                    target_status=target_status,
                    motive=motive,
                    mandate_number=mandate_number,
                    confirmed=confirmed,
                    batch=batch,
                )
            )
        except ActionNotAllowedError as error:
            skipped.append(PreviewRow(invoice, "skip", error.message))
        except ActionUnderWayError:
            skipped.append(
                PreviewRow(
                    invoice, "skip", _("Another decision is already on its way to Chorus Pro.")
                )
            )
    return BatchOutcome(batch=batch, queued=queued, skipped=skipped)


def history_record_real_status(client, action: InvoiceAction) -> None:
    """After Chorus Pro refused a decision: store the invoice's real status and history, and keep
    where it stood on the action so the page can say what happened. consulter/historique serves
    every side (supplier, recipient, validator); the client exposes it on each."""
    history = client.recipient.history(action.invoice.chorus_invoice_id)
    history_record(action.invoice, history)
    since = history.statuses[0].changed_at.isoformat() if history.statuses else None
    InvoiceAction.objects.filter(pk=action.pk).update(
        result={"actual_status": history.current_status.value, "actual_since": since}
    )


def decision_run(client, action: InvoiceAction, *, done: Collection[str], call) -> dict:
    """Worker side of a decision on a received invoice (treatment or validator's decision), safe
    to run again after a call that may have landed:

    1. On a retry, read the history first: an invoice already in one of the ``done`` statuses
       means the earlier call landed; record it and stop there.
    2. Make the call (``call()``, answering a ``TreatmentResult``). When Chorus Pro refuses the
       transition, store the invoice's real status before the error fails the action.
    3. Re-read the history so the invoice page shows the decision at once.
    """
    invoice = action.invoice
    if action.attempts > 1:
        history = client.recipient.history(invoice.chorus_invoice_id)
        history_record(invoice, history)
        if history.current_status.value in done:
            return {"status": history.current_status.value, "already_there": True}
    try:
        answer = call()
    except ChorusRejectedError as error:
        if error.code == FORBIDDEN_TRANSITION:
            history_record_real_status(client, action)
        raise
    # consulter/historique answers every side, the validator's account included.
    history_record(invoice, client.recipient.history(invoice.chorus_invoice_id))
    return {
        "status": answer.status.value if answer.status else None,
        "treated_on": answer.treated_on.isoformat() if answer.treated_on else None,
    }


@action_handler(InvoiceAction.Kind.TREAT, side="recipient")
def treat_run(client, action: InvoiceAction) -> dict:
    """Worker side of `invoice_treat`."""
    target = action.payload["target_status"]
    outcome = decision_run(
        client,
        action,
        done={target},
        call=lambda: client.recipient.treat(
            action.invoice.chorus_invoice_id,
            InvoiceStatus(target),
            motive=action.payload.get("motive") or None,
            mandate_number=action.payload.get("mandate_number") or None,
        ),
    )
    mandate_number = action.payload.get("mandate_number") or ""
    if target == ChorusStatus.MANDATED and mandate_number:
        # Chorus Pro took the number with the status: the invoice shows it from now on.
        Invoice.objects.filter(pk=action.invoice_id).update(mandate_number=mandate_number)
    # The action keeps the status it asked for, whatever Chorus Pro's answer says.
    return {**outcome, "status": target}
