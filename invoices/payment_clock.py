"""The payment-delay clock: how long the public entity has had the invoice, against the legal
deadline, and what would be owed for paying late.

The clock is read from the invoice's status timeline, never from the order in which entries
reached the portal (a history re-read, a portal-side event recorded before Chorus Pro's own):

1. Sort the status events by when they happened.
2. The clock starts at the first MISE_A_DISPOSITION (the day the entity received the invoice).
3. Each SUSPENDUE pauses it until the next status that is not SUSPENDUE (usually COMPLETEE, once
   the supplier sent what was missing); days paused do not count.
4. It stops at the first MISE_EN_PAIEMENT (paid: on time or late) or REJETEE (cancelled).
5. An invoice refused by its validator can no longer be paid as it stands: the clock is stopped
   on the day of the refusal, whether or not it had started.
6. Days are calendar days in Paris time; the day the invoice was made available is day 0.
7. A credit note has no clock: the legal payment deadline is the buyer's, on invoices; a credit
   note is set against the invoice it corrects.

Past the deadline, the entity owes interest (ECB rate + margin, per year, on the amount due,
pro rata of the days late) and a fixed recovery indemnity (Code de la commande publique,
R. 2192-31 and D. 2192-35); the rates are settings.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from invoices.models import VALIDATOR_REFUSED_STATUSES, ChorusStatus, Invoice, WorksPiece

CENT = Decimal("0.01")
DAYS_PER_YEAR = Decimal(365)


class ClockState:
    NOT_STARTED = "not_started"  # not yet made available to the recipient
    RUNNING = "running"
    PAUSED = "paused"  # SUSPENDUE: waiting for the supplier
    PAID = "paid"
    REJECTED = "rejected"
    REFUSED = "refused"  # by the validator: back with the supplier, nothing to pay as it stands
    NOT_APPLICABLE = "not_applicable"  # a credit note: no payment deadline


@dataclass(frozen=True)
class PaymentClock:
    state: str
    deadline_days: int
    started_on: date | None = None
    made_available_at: datetime | None = None
    elapsed_days: int = 0  # days counted against the deadline (pauses excluded)
    paused_days: int = 0  # including the suspension under way
    completed_paused_days: int = 0  # suspensions that have ended (stored on the invoice)
    suspended_since: datetime | None = None
    due_by: date | None = None  # None while paused: the date moves every day of a suspension
    stopped_on: date | None = None  # paid or rejected on
    days_late: int = 0
    interest: Decimal = Decimal("0.00")
    indemnity: Decimal = Decimal("0.00")

    @property
    def started(self) -> bool:
        return self.state != ClockState.NOT_STARTED

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    @property
    def days_left(self) -> int:
        return max(0, self.deadline_days - self.elapsed_days)

    @property
    def percent(self) -> int:
        """Share of the deadline used, capped at 100, for a progress bar."""
        if not self.deadline_days:
            return 100
        return min(100, round(100 * self.elapsed_days / self.deadline_days))

    @property
    def paid_on_time(self) -> bool | None:
        return None if self.state != ClockState.PAID else not self.overdue

    @property
    def total_due_for_lateness(self) -> Decimal:
        return self.interest + self.indemnity


def payment_deadline_days(*, invoice: Invoice) -> int:
    """The legal deadline for the recipient's kind of public entity (settings)."""
    category = invoice.recipient.public_category if invoice.recipient_id else ""
    return int(
        settings.PAYMENT_DEADLINE_DAYS.get(category) or settings.PAYMENT_DEADLINE_DEFAULT_DAYS
    )


def late_payment_interest(*, amount: Decimal, days_late: int) -> Decimal:
    """Interest on ``amount`` for ``days_late`` days at the legal rate, to the cent."""
    if days_late <= 0 or amount <= 0:
        return Decimal("0.00")
    rate = settings.LATE_PAYMENT_ECB_RATE + settings.LATE_PAYMENT_MARGIN_POINTS
    interest = amount * rate / Decimal(100) * Decimal(days_late) / DAYS_PER_YEAR
    return interest.quantize(CENT, rounding=ROUND_HALF_UP)


def _day(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def payment_clock_for(*, invoice: Invoice, today: date | None = None) -> PaymentClock:
    """Where the invoice's payment clock stands ``today`` (default: today in Paris)."""
    today = today or timezone.localdate()
    deadline = payment_deadline_days(invoice=invoice)
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        return PaymentClock(state=ClockState.NOT_APPLICABLE, deadline_days=deadline)
    events = sorted(
        invoice.events.values_list("occurred_at", "pk", "status"), key=lambda e: (e[0], e[1])
    )
    started_on = made_available_at = None
    paused_days = 0
    suspended_since = None
    stopped_on = None
    final_state = None
    refused_on = None
    for occurred_at, _pk, status in events:
        if status in VALIDATOR_REFUSED_STATUSES:
            refused_on = _day(occurred_at)
        if started_on is None:
            if status == ChorusStatus.AVAILABLE:
                made_available_at = occurred_at
                started_on = _day(occurred_at)
            continue
        if status == ChorusStatus.SUSPENDED:
            suspended_since = suspended_since or occurred_at
            continue
        if suspended_since is not None:
            paused_days += (_day(occurred_at) - _day(suspended_since)).days
            suspended_since = None
        if status in (ChorusStatus.PAID, ChorusStatus.REJECTED):
            stopped_on = _day(occurred_at)
            final_state = ClockState.PAID if status == ChorusStatus.PAID else ClockState.REJECTED
            break
        if status in VALIDATOR_REFUSED_STATUSES:
            stopped_on, final_state = refused_on, ClockState.REFUSED
            break
    if invoice.refused_by_validator and final_state is None:
        # Refused before Chorus Pro made it available (the usual case: validation comes first).
        return PaymentClock(
            state=ClockState.REFUSED,
            deadline_days=deadline,
            stopped_on=refused_on or _day(invoice.chorus_status_changed_at or timezone.now()),
        )
    if started_on is None and invoice.made_available_at and not events:
        # Known as available (an inbox summary) before its history was read.
        started_on = _day(invoice.made_available_at)
    if started_on is None:
        return PaymentClock(state=ClockState.NOT_STARTED, deadline_days=deadline)

    end = stopped_on or today
    ongoing_pause = (end - _day(suspended_since)).days if suspended_since else 0
    elapsed = max(0, (end - started_on).days - paused_days - ongoing_pause)
    days_late = max(0, elapsed - deadline)
    if final_state in (ClockState.REJECTED, ClockState.REFUSED):
        # A rejected or refused invoice is not to be paid: nothing is owed on it, late or not.
        interest = indemnity = Decimal("0.00")
    else:
        interest = late_payment_interest(amount=invoice.amount_due, days_late=days_late)
        indemnity = settings.LATE_PAYMENT_INDEMNITY.quantize(CENT) if days_late else Decimal("0.00")
    return PaymentClock(
        state=final_state or (ClockState.PAUSED if suspended_since else ClockState.RUNNING),
        deadline_days=deadline,
        started_on=started_on,
        made_available_at=made_available_at or invoice.made_available_at,
        elapsed_days=elapsed,
        paused_days=paused_days + ongoing_pause,
        completed_paused_days=paused_days,
        suspended_since=suspended_since,
        due_by=None
        if suspended_since
        else date.fromordinal(started_on.toordinal() + deadline + paused_days),
        stopped_on=stopped_on,
        days_late=days_late,
        interest=interest,
        indemnity=indemnity,
    )


def payment_clock_refresh(*, invoice: Invoice) -> None:
    """Bring the invoice's denormalised clock fields up to date from its timeline.

    Called whenever status history is recorded. ``payment_due_by`` is left empty while the
    invoice is suspended (the deadline moves every day of a suspension), so lists find overdue
    invoices in SQL with ``payment_due_by < today`` among those not in a final status.
    """
    clock = payment_clock_for(invoice=invoice)
    fields = {
        "made_available_at": clock.made_available_at or invoice.made_available_at,
        "suspended_since": clock.suspended_since,
        "payment_paused_days": clock.completed_paused_days,
        "payment_due_by": clock.due_by,
    }
    works_due = (
        WorksPiece.objects.filter(invoice=invoice).values_list("payment_due_at", flat=True).first()
    )
    if works_due is not None and clock.due_by is not None:
        # A works request's delay runs from the MOE's receipt of the contractor's request, as
        # Chorus Pro counts it on each piece of the chain (CCP R. 2192-12), not from the day the
        # payable piece reached the owner.
        fields["payment_due_by"] = _day(works_due)
    if all(getattr(invoice, name) == value for name, value in fields.items()):
        return
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    for name, value in fields.items():
        setattr(invoice, name, value)


@dataclass(frozen=True)
class WorksTimeSplit:
    """A works request's payment delay, split between who held it (CCP R. 2192-12 and the
    CCAG-Travaux art. 12: the MOE's days to state the payment, then the owner's to pay)."""

    deadline_days: int
    project_manager_days: int  # from the MOE's receipt to its own statement (or today)
    owner_days: int  # from the MOE's statement to the payment (or today)
    started_on: date | None
    due_on: date | None
    paid_on: date | None

    @property
    def days_left(self) -> int:
        return max(0, self.deadline_days - self.project_manager_days - self.owner_days)

    @property
    def overdue(self) -> bool:
        return self.project_manager_days + self.owner_days > self.deadline_days


def works_time_split(*, piece, chain: list, today: date | None = None) -> WorksTimeSplit | None:
    """The payment delay of ``piece``'s chain (contractor's request, MOE's statement, owner's):
    the clock starts at the MOE's receipt of the request as Chorus Pro stamps it; the MOE's time
    ends when its statement is deposited, the owner's when the payable piece is paid. Days are
    calendar days in Paris time. None before the MOE received the request."""
    first = chain[0] if chain else piece
    if first.payment_started_at is None:
        return None
    today = today or timezone.localdate()
    started = _day(first.payment_started_at)
    moe_step = chain[1] if len(chain) > 1 else None
    moe_done = _day(first.answered_at) if moe_step and first.answered_at else None
    paid = next(
        (
            _day(e.occurred_at)
            for e in chain[-1]
            .invoice.events.filter(status=ChorusStatus.PAID)
            .order_by("occurred_at")[:1]
        ),
        None,
    )
    moe_end = moe_done or paid or today
    moe_days = max(0, (moe_end - started).days)
    owner_days = max(0, ((paid or today) - moe_end).days) if moe_done else 0
    days = (first.contract.payment_days if first.contract else None) or payment_deadline_days(
        invoice=first.invoice
    )
    return WorksTimeSplit(
        deadline_days=days,
        project_manager_days=moe_days,
        owner_days=owner_days,
        started_on=started,
        due_on=_day(first.payment_due_at) if first.payment_due_at else None,
        paid_on=paid,
    )
