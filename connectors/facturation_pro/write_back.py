"""Writing an imported invoice's fate back to Facturation.pro, in workers.

The core announces each status change (``invoices.signals.invoice_status_changed``); for an
invoice imported from Facturation.pro the receiver plans, once each (database constraint):

- its Chorus Pro number in the invoice's free API fields (``api_id``, ``api_custom``);
- on MISE_EN_PAIEMENT, a settlement of what remains due (date of the payment, amount,
  reference "Chorus Pro <number>");
- on REJETEE, an internal note with the rejection's reason.

Each write is claimed by one worker with a conditional UPDATE and made safe to repeat: a
settlement is looked up by its reference before it is created (a request may have reached
Facturation.pro without an answer coming back), the note is not added twice. A 429 waits what
Facturation.pro asked (Retry-After), other transient errors back off.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from connectors.facturation_pro.models import FproInvoice, FproWriteBack
from connectors.facturation_pro.remote import fpro_client_for, retry_delay
from facturation_pro_client import (
    FacturationProError,
    FacturationProTransientError,
    InvoiceUpdate,
    NewSettlement,
    PaymentMode,
)
from invoices.models import ChorusStatus, Invoice, StatusEvent
from portal.jobs import enqueue

# The task that makes one write (connectors/facturation_pro/tasks.py).
WRITE_BACK_TASK = "facturation_pro.write_back"
# A worker holds a write this long; past it, the beat hands it out again.
CLAIM_SECONDS = 300
# A write due this long ago and not started: its task was lost.
LOST_AFTER = timedelta(minutes=1)
Kind = FproWriteBack.Kind


class WriteBackRetry(Exception):
    """A transient failure: the next attempt is due in ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def status_change_received(sender, *, invoice_id: int, status: str, **kwargs) -> None:
    """Receiver of ``invoice_status_changed``: plan the writes an imported invoice needs."""
    source = FproInvoice.objects.filter(invoice_id=invoice_id).first()
    if source is not None:
        write_backs_plan(source=source, status=status, event_id=kwargs.get("event_id"))


def _event(invoice: Invoice, status: str, event_id: int | None) -> StatusEvent | None:
    events = invoice.events.filter(status=status)
    return (events.filter(pk=event_id).first() if event_id else None) or events.order_by(
        "-occurred_at"
    ).first()


def write_backs_plan(
    *, source: FproInvoice, status: str | None = None, event_id: int | None = None
) -> list[FproWriteBack]:
    """Create the writes the invoice's state calls for and not made yet; queue them."""
    invoice = Invoice.objects.get(pk=source.invoice_id)
    wanted: list[tuple[str, dict]] = []
    if invoice.chorus_invoice_id:
        wanted.append((Kind.CHORUS_NUMBER, {"chorus_invoice_id": invoice.chorus_invoice_id}))
    status = status or invoice.chorus_status
    event = _event(invoice, status, event_id) if status else None
    when = timezone.localdate(event.occurred_at) if event else timezone.localdate()
    if status == ChorusStatus.PAID:
        payload = {
            "paid_on": when.isoformat(),
            "amount": str(invoice.amount_due),
            "reference": f"Chorus Pro {invoice.chorus_invoice_id}",
        }
        wanted.append((Kind.SETTLEMENT, payload))
    if status == ChorusStatus.REJECTED:
        reason = (event.comment if event else "") or ""
        wanted.append((Kind.REJECTION_NOTE, {"on": when.isoformat(), "reason": reason[:500]}))
    created = []
    for kind, payload in wanted:
        write, new = FproWriteBack.objects.get_or_create(
            source=source,
            kind=kind,
            defaults={"payload": payload, "next_attempt_at": timezone.now()},
        )
        if new:
            enqueue(WRITE_BACK_TASK, write.pk)
            created.append(write)
    return created


def write_back_run(*, write_back_id: int) -> str:
    """Worker side: make one write. Returns what happened; raises :class:`WriteBackRetry` when
    Facturation.pro could not take it now (the row says when to try again)."""
    now = timezone.now()
    claimable = Q(state=FproWriteBack.State.PENDING) | Q(
        state=FproWriteBack.State.RUNNING, claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS)
    )
    claimed = FproWriteBack.objects.filter(claimable, pk=write_back_id).update(
        state=FproWriteBack.State.RUNNING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not-claimed"
    write = FproWriteBack.objects.select_related("source__connection").get(pk=write_back_id)
    try:
        with fpro_client_for(write.source.connection) as client:
            outcome = WRITERS[write.kind](client, write.source.fpro_id, write.payload)
    except FacturationProTransientError as error:
        delay = retry_delay(error, write.attempts)
        FproWriteBack.objects.filter(pk=write.pk).update(
            state=FproWriteBack.State.PENDING,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            error=f"{error.reason}: {error}"[:300],
        )
        raise WriteBackRetry(delay) from error
    except FacturationProError as error:
        FproWriteBack.objects.filter(pk=write.pk).update(
            state=FproWriteBack.State.FAILED, error=str(error)[:300]
        )
        return "failed"
    FproWriteBack.objects.filter(pk=write.pk).update(
        state=FproWriteBack.State.DONE, done_at=timezone.now(), error=""
    )
    return outcome


def _chorus_number(client, fpro_id: int, payload: dict) -> str:
    number = int(payload["chorus_invoice_id"])
    client.update_invoice(fpro_id, InvoiceUpdate(api_id=number, api_custom=f"Chorus Pro {number}"))
    return "written"


def _settlement(client, fpro_id: int, payload: dict) -> str:
    reference = payload["reference"]
    if any(item.payment_ref == reference for item in client.list_settlements(fpro_id)):
        return "already-recorded"  # an earlier attempt reached Facturation.pro
    remote = client.get_invoice(fpro_id)
    balance = remote.balance if remote.balance is not None else remote.total_incl_tax
    if remote.is_paid or not balance or balance <= 0:
        return "already-paid"
    amount = min(Decimal(payload["amount"]), balance)
    client.create_settlement(
        fpro_id,
        NewSettlement(
            amount=amount,
            paid_on=date.fromisoformat(payload["paid_on"]),
            payment_mode=PaymentMode.TRANSFER,
            payment_ref=reference,
        ),
    )
    return "recorded"


def _rejection_note(client, fpro_id: int, payload: dict) -> str:
    # Facturation.pro is French software: the note is written in the portal's language.
    with override(settings.LANGUAGE_CODE):
        line = _("Chorus Pro rejected this invoice on %(date)s. Reason: %(reason)s") % {
            "date": date.fromisoformat(payload["on"]).strftime("%d/%m/%Y"),
            "reason": payload.get("reason") or "—",
        }
    note = client.get_invoice(fpro_id).internal_note or ""
    if line in note:
        return "already-noted"
    client.update_invoice(fpro_id, InvoiceUpdate(internal_note=f"{note}\n{line}".strip()))
    return "noted"


WRITERS = {
    Kind.CHORUS_NUMBER: _chorus_number,
    Kind.SETTLEMENT: _settlement,
    Kind.REJECTION_NOTE: _rejection_note,
}


def write_backs_lost(*, now=None) -> list[int]:
    """Writes whose task was lost (due a minute ago and still waiting, or held by a worker that
    died), and writes imported invoices sent since need (their Chorus Pro number)."""
    now = now or timezone.now()
    sent = FproInvoice.objects.filter(invoice__chorus_invoice_id__isnull=False).exclude(
        write_backs__kind=Kind.CHORUS_NUMBER
    )
    for source in sent[:200]:
        write_backs_plan(source=source)
    lost = FproWriteBack.objects.filter(
        Q(state=FproWriteBack.State.PENDING, next_attempt_at__lt=now - LOST_AFTER)
        | Q(
            state=FproWriteBack.State.RUNNING,
            claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS),
        )
    )
    ids = list(lost.values_list("pk", flat=True)[:500])
    FproWriteBack.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
