"""Reads behind the invoice lists of the three spaces: filtering, keyset pagination, summary.

Everything starts from `invoice_list_for_space`, so what a user may see is decided in one place.
Pages are cut with a keyset on (created_at, id) descending rather than OFFSET and COUNT(*): a
page costs one index walk from the cursor (indexes invoice_supplier_keyset and
invoice_recipient_keyset), however deep it is and however large the table.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models import Value as V
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoices.lists.counts import status_totals_for_supplier
from invoices.lists.lookups import counterpart_ids, text_condition
from invoices.models import MONEY, ChorusStatus, Invoice, WorksPiece, awaiting_payment_q
from invoices.selectors import invoice_list_for_space, validates_at_second_level
from portal.exact_decimal import ExactDecimalField
from portal.spaces import Space, SpaceKind
from structures.models import Service, Structure

PAGE_SIZE = 25
ZERO = Decimal("0.00")
# Statuses before Chorus Pro has the invoice: only a supplier ever sees them.
PORTAL_STATUSES = (
    Invoice.Status.DRAFT,
    Invoice.Status.QUEUED,
    Invoice.Status.SENDING,
    Invoice.Status.SUBMISSION_REFUSED,
)
# The statuses a recipient meets: Chorus Pro shows them an invoice from MISE_A_DISPOSITION on.
RECIPIENT_STATUSES = (
    ChorusStatus.AVAILABLE,
    ChorusStatus.TO_RECYCLE,
    ChorusStatus.SUSPENDED,
    ChorusStatus.COMPLETED,
    ChorusStatus.REJECTED,
    ChorusStatus.SERVICE_DONE,
    ChorusStatus.MANDATED,
    ChorusStatus.AVAILABLE_TO_ACCOUNTANT,
    ChorusStatus.ACCOUNTED,
    ChorusStatus.PAID,
)
# The validator's queue filters by what became of an invoice at the level the space validates
# it at, not by Chorus Pro's status of the day: a validated invoice moves on to the second
# validator, then to the recipient's statuses. "" is the queue itself, what waits for the
# validator; "all" is everything they were given. Each stage: its label, then the statuses at
# the first validation level and at the second (A_VALIDER_2...: some recipients require one).
VALIDATOR_STAGES: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...] | None]] = {
    "": (_("Awaiting validation"), (ChorusStatus.TO_VALIDATE_1,), (ChorusStatus.TO_VALIDATE_2,)),
    "validated": (
        _("Validated"),
        (
            ChorusStatus.VALIDATED_1,
            ChorusStatus.TO_VALIDATE_2,
            ChorusStatus.VALIDATED_2,
            ChorusStatus.REFUSED_2,
            ChorusStatus.NO_VALIDATION_2,
            *RECIPIENT_STATUSES,
        ),
        (ChorusStatus.VALIDATED_2, *RECIPIENT_STATUSES),
    ),
    "refused": (
        _("Refused by the validator"),
        (ChorusStatus.REFUSED_1, ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR),
        (ChorusStatus.REFUSED_2,),
    ),
    "expired": (
        _("Not validated in time"),
        (ChorusStatus.NO_VALIDATION_1,),
        (ChorusStatus.NO_VALIDATION_2,),
    ),
    "all": (_("All statuses"), None, None),
}
STATUS_LABELS = {**dict(Invoice.Status.choices), **dict(ChorusStatus.choices)}
# The summary and the filter's choice of counterparts read every invoice of the space: on a
# large table that costs more than a whole page, so they are kept for a minute (shown as such).
FACETS_CACHE_SECONDS = 60


@dataclass(frozen=True)
class InvoiceListFilters:
    status: str = ""
    counterpart_id: int | None = None  # the recipient for a supplier, the supplier otherwise
    service_id: int | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    text: str = ""
    downloaded: bool | None = None
    overdue: bool = False
    works: bool | None = None  # works invoices only (True), or ordinary ones only (False)


@dataclass(frozen=True)
class InvoicePage:
    invoices: list[Invoice]
    next_cursor: str = ""
    previous_cursor: str = ""


@dataclass(frozen=True)
class StatusTotal:
    key: str
    count: int
    total_excl_tax: Decimal
    total_incl_tax: Decimal

    @property
    def label(self) -> str:
        # Not stored: the cached summary is shared by readers of either language.
        return status_label(self.key)


@dataclass(frozen=True)
class InvoiceSummary:
    by_status: list[StatusTotal]
    awaiting_payment_count: int
    awaiting_payment_amount: Decimal
    overdue_count: int
    computed_at: datetime


def status_label(key: str) -> str:
    """A status key (Chorus Pro's code once sent, the portal's status before) in the reader's
    language (the labels are lazy: read in the language of the moment)."""
    return STATUS_LABELS.get(key, key)


def status_choices_for_space(*, space: Space) -> list[tuple[str, str]]:
    """The status filter's choices, "" first: the statuses each side meets (a validator's are
    the stages of VALIDATOR_STAGES, "" being what waits for them)."""
    if space.kind == SpaceKind.VALIDATOR:
        return [(key, label) for key, (label, *_levels) in VALIDATOR_STAGES.items()]
    if space.kind == SpaceKind.RECIPIENT:
        statuses = [*RECIPIENT_STATUSES, ChorusStatus.ABANDONED, ChorusStatus.DELETED]
    else:
        statuses = [*PORTAL_STATUSES, *ChorusStatus]
    return [("", _("All statuses")), *[(s.value, s.label) for s in statuses]]


def invoice_status_label(*, invoice: Invoice, space: Space) -> str:
    """The status a side reads on an invoice's badge. The supplier follows the portal's own
    steps until Chorus Pro has the invoice; the other sides only ever read Chorus Pro's status
    (never the supplier's "Sent to Chorus Pro")."""
    # Read from STATUS_LABELS: get_FOO_display() builds a dict of every label (each one
    # translated) on each call, for each row of a page.
    if invoice.chorus_status:
        return str(status_label(invoice.chorus_status))
    return str(status_label(invoice.status)) if _is_supplier(space) else "—"


def invoice_counterparts_for_space(*, space: Space) -> list[tuple[int, str]]:
    """(id, name) of the structures on the other side of the space's invoices, by name, for the
    filter's choices. Kept for a minute: a new counterpart shows up in the choices soon after."""
    key = f"invoice-lists:counterparts:{space.kind}:{space.structure.pk}"
    counterparts = cache.get(key)
    if counterparts is None:
        side = "recipient" if _is_supplier(space) else "supplier"
        second_level = space.kind == SpaceKind.VALIDATOR and validates_at_second_level(
            structure=space.structure
        )
        if second_level:  # two columns to skip along: read the (few) invoices instead
            ids = invoice_list_for_space(space=space).order_by().values(side).distinct()
        else:
            ids = counterpart_ids(space, f"{side}_id")
        counterparts = list(
            Structure.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name")
        )
        cache.set(key, counterparts, FACETS_CACHE_SECONDS)
    return counterparts


def service_list_for_space(*, space: Space) -> list[Service]:
    if space.kind != SpaceKind.RECIPIENT:
        return []
    return list(space.structure.services.only("pk", "code", "label").order_by("code"))


def invoice_list_filtered(*, space: Space, filters: InvoiceListFilters) -> QuerySet[Invoice]:
    invoices = invoice_list_for_space(space=space)
    side = "recipient" if _is_supplier(space) else "supplier"
    if space.kind == SpaceKind.VALIDATOR:
        stage = _validator_stage(space, filters.status)
        if stage is not None:
            invoices = invoices.filter(stage)
    elif filters.status in ChorusStatus.values:
        invoices = invoices.filter(chorus_status=filters.status)
    elif filters.status in Invoice.Status.values:
        invoices = invoices.filter(status=filters.status, chorus_status="")
    if filters.counterpart_id is not None:
        invoices = invoices.filter(**{f"{side}_id": filters.counterpart_id})
    if filters.service_id is not None:
        invoices = invoices.filter(service_id=filters.service_id)
    if filters.issued_from is not None:
        invoices = invoices.filter(issue_date__gte=filters.issued_from)
    if filters.issued_to is not None:
        invoices = invoices.filter(issue_date__lte=filters.issued_to)
    if filters.amount_min is not None:
        invoices = invoices.filter(total_incl_tax__gte=filters.amount_min)
    if filters.amount_max is not None:
        invoices = invoices.filter(total_incl_tax__lte=filters.amount_max)
    if filters.downloaded is not None:
        invoices = invoices.filter(downloaded_by_recipient=filters.downloaded)
    if filters.overdue:
        invoices = invoices.overdue(today=timezone.localdate())
    if filters.works is not None:
        invoices = invoices.filter(works__isnull=not filters.works)
    text = filters.text.strip()
    if text:
        invoices = invoices.filter(text_condition(text, side))
    return invoices


def invoice_list_ordered(*, space: Space, filters: InvoiceListFilters) -> QuerySet[Invoice]:
    """The filtered list in the order it is shown and exported: newest first, except in the
    validator's queue where the invoices awaiting validation come first."""
    invoices = invoice_list_filtered(space=space, filters=filters)
    keys = _keys(space)
    if keys[0] == "queue_rank":
        # The queue itself holds only what waits (rank 1): a constant rank leaves the order to
        # the index (invoice_validator_status_ks) instead of sorting every row of the stage.
        in_queue = filters.status not in VALIDATOR_STAGES or filters.status == ""
        rank = V(1, output_field=IntegerField()) if in_queue else _queue_rank(space)
        invoices = invoices.annotate(queue_rank=rank)
    return invoices.order_by(*[f"-{key}" for key in keys])


def _decorated(rows: list[Invoice], today: date, space: Space) -> list[Invoice]:
    """What each row shows beyond its fields: days since deposit, overdue, status, works."""
    works = set(WorksPiece.objects.filter(invoice__in=rows).values_list("invoice_id", flat=True))
    for invoice in rows:
        invoice.is_works = invoice.pk in works
        invoice.status_badge = invoice_status_label(invoice=invoice, space=space)
        invoice.days_since_deposit = (
            (today - invoice.deposited_on).days if invoice.deposited_on else None
        )
        invoice.is_overdue = bool(
            invoice.payment_due_by and invoice.payment_due_by < today and invoice.awaiting_payment
        )
    return rows


def invoice_page_for_space(
    *, space: Space, filters: InvoiceListFilters, after: str = "", before: str = ""
) -> InvoicePage:
    """One page of the filtered list: after a cursor (older rows), before one (newer rows), or
    the first page. A cursor that cannot be read gives the first page."""
    keys = _keys(space)
    invoices = invoice_list_ordered(space=space, filters=filters)
    if before and (values := _cursor_decode(before, keys)) is not None:
        rows = list(
            invoices.filter(_beyond(keys, values, newer=True)).order_by(*keys)[: PAGE_SIZE + 1]
        )
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE][::-1]
            return InvoicePage(
                invoices=_decorated(rows, timezone.localdate(), space),
                next_cursor=_cursor_encode(rows[-1], keys),
                previous_cursor=_cursor_encode(rows[0], keys),
            )
        # Back at the top: show a full first page rather than the few rows left before it.
        after = ""
    values = _cursor_decode(after, keys) if after else None
    if values is not None:
        invoices = invoices.filter(_beyond(keys, values, newer=False))
    rows = list(invoices[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    previous = ""
    if values is not None:
        previous = _cursor_encode(rows[0], keys) if rows else after
    return InvoicePage(
        invoices=_decorated(rows, timezone.localdate(), space),
        next_cursor=_cursor_encode(rows[-1], keys) if has_next else "",
        previous_cursor=previous,
    )


def invoice_summary_for_space(*, space: Space) -> InvoiceSummary:
    """Counts and amounts by status over all the space's invoices.

    Credit notes count negatively in the amounts: they reduce what the public buyer owes.
    Awaiting payment and overdue: invoices that can still be paid (`awaiting_payment_q`).
    A supplier's are read from the counts the database keeps (invoices/lists/counts.py), exact
    and current; another space's are a pass over its invoices, kept for a minute.
    """
    today = timezone.localdate()
    if _is_supplier(space):
        groups = status_totals_for_supplier(supplier_id=space.structure.pk, today=today)
        return _summary_from_groups(groups)
    key = f"invoice-lists:summary:{space.kind}:{space.structure.pk}"
    summary = cache.get(key)
    if summary is None:
        summary = _summary_compute(space)
        cache.set(key, summary, FACETS_CACHE_SECONDS)
    return summary


def _summary_compute(space: Space) -> InvoiceSummary:
    """One grouped query over the space's invoices."""
    today = timezone.localdate()

    def signed(name: str, **options) -> Sum:
        return Sum(
            Case(
                # 0 - x rather than -x: SQLite refuses multiplying an exact column (-x is × -1).
                When(kind=Invoice.Kind.CREDIT_NOTE, then=V(0) - F(name)),
                default=F(name),
                # The sum comes back from the exact column's scaled integers (exact_decimal.py).
                output_field=ExactDecimalField(**MONEY),
            ),
            **options,
        )

    awaiting = awaiting_payment_q()
    groups = (
        invoice_list_for_space(space=space)
        .order_by()
        .values("status", "chorus_status")
        .annotate(
            count=Count("pk"),
            total_excl_tax=signed("total_excl_tax"),
            total_incl_tax=signed("total_incl_tax"),
            awaiting=Count("pk", filter=awaiting),
            awaiting_amount=signed("amount_due", filter=awaiting),
            overdue=Count("pk", filter=awaiting & Q(payment_due_by__lt=today)),
        )
    )
    return _summary_from_groups(groups)


def _summary_from_groups(groups) -> InvoiceSummary:
    totals: dict[str, dict] = {}
    awaiting_count, awaiting_amount, overdue_count = 0, ZERO, 0
    for group in groups:
        key = group["chorus_status"] or group["status"]
        total = totals.setdefault(key, {"count": 0, "excl": ZERO, "incl": ZERO})
        total["count"] += group["count"]
        total["excl"] += group["total_excl_tax"] or ZERO
        total["incl"] += group["total_incl_tax"] or ZERO
        awaiting_count += group["awaiting"]
        awaiting_amount += group["awaiting_amount"] or ZERO
        overdue_count += group["overdue"]
    order = [s.value for s in PORTAL_STATUSES] + list(ChorusStatus.values)
    by_status = [
        StatusTotal(
            key=key,
            count=totals[key]["count"],
            total_excl_tax=totals[key]["excl"],
            total_incl_tax=totals[key]["incl"],
        )
        for key in sorted(totals, key=lambda k: order.index(k) if k in order else len(order))
    ]
    return InvoiceSummary(
        by_status=by_status,
        awaiting_payment_count=awaiting_count,
        awaiting_payment_amount=awaiting_amount,
        overdue_count=overdue_count,
        computed_at=timezone.now(),
    )


def last_inbox_sync(*, space: Space) -> datetime | None:
    """When the background sync last brought the space's received invoices up to date."""
    connection = getattr(space.structure, "chorus_connection", None)
    return connection.received_synced_until if connection else None


def _is_supplier(space: Space) -> bool:
    return space.kind == SpaceKind.SUPPLIER


def _keys(space: Space) -> tuple[str, ...]:
    if space.kind == SpaceKind.VALIDATOR:
        return ("queue_rank", "created_at", "id")
    return ("created_at", "id")


def _validator_stage(space: Space, key: str) -> Q | None:
    """The invoices of a stage of the validator's queue, at each level the space validates at
    (None: every invoice)."""
    _label, first, second = VALIDATOR_STAGES.get(key, VALIDATOR_STAGES[""])
    if first is None:
        return None
    stage = Q(validator=space.structure, chorus_status__in=first)
    # Most validators are never a second-level one: without that branch, the stage is one
    # index walk rather than two bitmaps merged and sorted.
    if validates_at_second_level(structure=space.structure):
        stage |= Q(second_validator=space.structure, chorus_status__in=second)
    return stage


def _queue_rank(space: Space) -> Case:
    """What waits for the validator's decision comes first."""
    return Case(
        When(_validator_stage(space, ""), then=V(1)),
        default=V(0),
        output_field=IntegerField(),
    )


def _beyond(keys: tuple[str, ...], values: list, *, newer: bool) -> Q:
    """Rows strictly after the cursor in the list's order (older), or strictly before it (newer),
    comparing the keys lexicographically."""
    op = "gt" if newer else "lt"
    beyond = Q()
    for i, key in enumerate(keys):
        equal = {k: v for k, v in zip(keys[:i], values[:i], strict=True)}
        beyond |= Q(**equal, **{f"{key}__{op}": values[i]})
    # The redundant bound on the first key is what lets the database start the index walk at the
    # cursor instead of filtering every row before it.
    return Q(**{f"{keys[0]}__{op}e": values[0]}) & beyond


def _cursor_encode(invoice: Invoice, keys: tuple[str, ...]) -> str:
    values = [getattr(invoice, key) for key in keys]
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _cursor_decode(cursor: str, keys: tuple[str, ...]) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            return None
        decoded = []
        for key, value in zip(keys, values, strict=True):
            if key == "created_at":
                moment = datetime.fromisoformat(value)
                if timezone.is_naive(moment):
                    return None
                decoded.append(moment)
            elif isinstance(value, int) and not isinstance(value, bool):
                decoded.append(value)
            else:
                return None
        return decoded
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
