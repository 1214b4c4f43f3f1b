"""The figures of each space's dashboard, scoped by `invoice_list_for_space`.

Every figure comes from an aggregate query (a fixed handful per dashboard, whatever the number
of invoices), and a dashboard is kept a minute per space as the list's summary is (shown "as
of"): the list pages it sits on stay as fast as they were.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Case, Count, DurationField, F, Min, Q, Sum, When
from django.db.models import Value as V
from django.db.models.functions import TruncMonth
from django.utils import timezone

from invoices.models import MONEY, ChorusStatus, Invoice, awaiting_payment_q
from invoices.selectors import invoice_list_for_space
from portal.exact_decimal import ExactDecimalField
from portal.spaces import Space, SpaceKind

ZERO = Decimal("0.00")
MONTHS = 12
CACHE_SECONDS = 60
SOON_DAYS = 7
NEEDS_ACTION_SHOWN = 10
# What a supplier must act on: Chorus Pro or a validator sent the invoice back.
SUPPLIER_ACTION_STATUSES = (
    ChorusStatus.SUSPENDED,
    ChorusStatus.REJECTED,
    ChorusStatus.REFUSED_1,
    ChorusStatus.REFUSED_2,
    ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR,
)
# How long invoices have waited for the validator: (key, lower bound in days, upper bound).
WAIT_BUCKETS = (("under_7", 0, 7), ("7_to_14", 7, 15), ("15_to_30", 15, 31), ("over_30", 31, None))


@dataclass(frozen=True)
class MonthAmounts:
    month: date
    sent: Decimal
    paid: Decimal


@dataclass(frozen=True)
class BuyerDelay:
    name: str
    paid_count: int
    average_days: int


@dataclass
class SupplierDashboard:
    months: list[MonthAmounts]
    delays: list[BuyerDelay]
    needs_action: list[Invoice]
    needs_action_count: int
    computed_at: datetime = field(default_factory=timezone.now)


@dataclass
class RecipientDashboard:
    to_pay_amount: Decimal
    to_pay_count: int
    due_soon_amount: Decimal
    due_soon_count: int
    overdue_amount: Decimal
    overdue_count: int
    suspended_count: int
    new_count: int
    due_soon: list[Invoice]
    computed_at: datetime = field(default_factory=timezone.now)


@dataclass
class ValidatorDashboard:
    waiting_count: int
    buckets: list[tuple[str, int]]
    oldest_since: datetime | None
    computed_at: datetime = field(default_factory=timezone.now)


def _signed(name: str, **options) -> Sum:
    """A sum in which credit notes count negatively (they reduce what the buyer owes)."""
    return Sum(
        Case(
            # 0 - x rather than -x: SQLite refuses multiplying an exact column.
            When(kind=Invoice.Kind.CREDIT_NOTE, then=V(0) - F(name)),
            default=F(name),
            output_field=ExactDecimalField(**MONEY),
        ),
        **options,
    )


def _month_start(day: date, months_back: int) -> date:
    month = day.month - 1 - months_back
    return date(day.year + month // 12, month % 12 + 1, 1)


def _cached(space: Space, compute):
    key = f"dashboards:{space.kind}:{space.structure.pk}"
    figures = cache.get(key)
    if figures is None:
        figures = compute(space)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def dashboard_for_space(*, space: Space):
    """The dashboard of the space's kind, as of at most a minute ago."""
    compute = {
        SpaceKind.SUPPLIER: _supplier_compute,
        SpaceKind.RECIPIENT: _recipient_compute,
        SpaceKind.VALIDATOR: _validator_compute,
    }[space.kind]
    return _cached(space, compute)


def _supplier_compute(space: Space) -> SupplierDashboard:
    """Five queries: sent per month, paid per month, delays per buyer, the invoices needing an
    action and their count."""
    invoices = invoice_list_for_space(space=space).order_by()
    today = timezone.localdate()
    first = _month_start(today, MONTHS - 1)
    sent = dict(
        invoices.filter(deposited_on__gte=first)
        .annotate(month=TruncMonth("deposited_on"))
        .values("month")
        .annotate(amount=_signed("total_incl_tax"))
        .values_list("month", "amount")
    )
    paid_invoices = invoices.filter(chorus_status=ChorusStatus.PAID)
    paid = dict(
        paid_invoices.filter(chorus_status_changed_at__date__gte=first)
        .annotate(month=TruncMonth("chorus_status_changed_at"))
        .values("month")
        .annotate(amount=_signed("total_incl_tax"))
        .values_list("month", "amount")
    )
    paid = {_as_date(month): amount for month, amount in paid.items()}
    sent = {_as_date(month): amount for month, amount in sent.items()}
    months = [
        MonthAmounts(month, sent.get(month) or ZERO, paid.get(month) or ZERO)
        for month in (_month_start(today, back) for back in range(MONTHS - 1, -1, -1))
    ]
    delays = _buyer_delays(paid_invoices.filter(kind=Invoice.Kind.INVOICE))
    action = Q(chorus_status__in=SUPPLIER_ACTION_STATUSES) | Q(
        status=Invoice.Status.SUBMISSION_REFUSED
    )
    # A rejection acknowledged by the supplier needs nothing more.
    action &= ~Q(chorus_status=ChorusStatus.REJECTED, rejection_acknowledged_at__isnull=False)
    needing = invoices.filter(action)
    return SupplierDashboard(
        months=months,
        delays=delays,
        needs_action=list(
            needing.select_related("recipient").order_by(
                F("chorus_status_changed_at").desc(nulls_last=True), "-pk"
            )[:NEEDS_ACTION_SHOWN]
        ),
        needs_action_count=needing.count(),
    )


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _buyer_delays(paid) -> list[BuyerDelay]:
    """Average days from the invoice made available to its payment, per public buyer, slowest
    first."""
    rows = (
        paid.filter(made_available_at__isnull=False, chorus_status_changed_at__isnull=False)
        .values("recipient", "recipient__name")
        .annotate(
            count=Count("pk"),
            wait=Avg(
                F("chorus_status_changed_at") - F("made_available_at"),
                output_field=DurationField(),
            ),
        )
    )
    delays = [
        BuyerDelay(
            name=row["recipient__name"],
            paid_count=row["count"],
            average_days=round(_days(row["wait"])),
        )
        for row in rows
    ]
    return sorted(delays, key=lambda delay: (-delay.average_days, delay.name))


def _days(wait) -> float:
    if isinstance(wait, timedelta):
        return wait.total_seconds() / 86400
    # SQLite averages the differences as microseconds.
    return float(wait or 0) / 86_400_000_000


def _recipient_compute(space: Space) -> RecipientDashboard:
    """Two queries: one aggregate over the space's invoices, the invoices due soon."""
    invoices = invoice_list_for_space(space=space).order_by()
    today = timezone.localdate()
    awaiting = awaiting_payment_q()
    soon = awaiting & Q(payment_due_by__gte=today, payment_due_by__lte=today + timedelta(SOON_DAYS))
    overdue = awaiting & Q(payment_due_by__lt=today)
    figures = invoices.aggregate(
        to_pay_amount=_signed("amount_due", filter=awaiting),
        to_pay_count=Count("pk", filter=awaiting & Q(kind=Invoice.Kind.INVOICE)),
        due_soon_amount=_signed("amount_due", filter=soon),
        due_soon_count=Count("pk", filter=soon),
        overdue_amount=_signed("amount_due", filter=overdue),
        overdue_count=Count("pk", filter=overdue),
        suspended_count=Count("pk", filter=Q(chorus_status=ChorusStatus.SUSPENDED)),
        new_count=Count("pk", filter=Q(recipient_opened_at__isnull=True)),
    )
    for name in ("to_pay_amount", "due_soon_amount", "overdue_amount"):
        figures[name] = figures[name] or ZERO
    due_soon = list(
        invoices.filter(soon).select_related("supplier").order_by("payment_due_by", "pk")[:5]
    )
    return RecipientDashboard(**figures, due_soon=due_soon)


def _validator_compute(space: Space) -> ValidatorDashboard:
    """One aggregate query: what waits for the space's validation, by how long it has waited."""
    structure = space.structure
    waiting = Q(validator=structure, chorus_status=ChorusStatus.TO_VALIDATE_1) | Q(
        second_validator=structure, chorus_status=ChorusStatus.TO_VALIDATE_2
    )
    now = timezone.now()
    counts = {}
    for key, low, high in WAIT_BUCKETS:
        since = Q(chorus_status_changed_at__lte=now - timedelta(days=low))
        if high is not None:
            since &= Q(chorus_status_changed_at__gt=now - timedelta(days=high))
        counts[key] = Count("pk", filter=since)
    figures = (
        invoice_list_for_space(space=space)
        .order_by()
        .filter(waiting)
        .aggregate(total=Count("pk"), oldest=Min("chorus_status_changed_at"), **counts)
    )
    return ValidatorDashboard(
        waiting_count=figures["total"],
        buckets=[(key, figures[key]) for key, _low, _high in WAIT_BUCKETS],
        oldest_since=figures["oldest"],
    )
