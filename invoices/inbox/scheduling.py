"""When each recipient and validator account is synced, and one cycle at a time per account.

New invoices reach a public entity unannounced (most suppliers are not portal users), so every
account is polled at a base rate; an account is polled faster while the portal knows invoices
are moving towards it (sent by a portal supplier and still being routed, waiting for a
supplier's completion or correction), so that the other side's move shows in the inbox quickly.
A quiet cycle costs one search call, so the base rate stays modest rather than rare.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from invoices.models import ChorusStatus, Invoice
from structures.models import ChorusConnection, Membership

RECIPIENT = "recipient"
VALIDATOR = "validator"
SIDES = (RECIPIENT, VALIDATOR)

# Chorus Pro's clock and ours differ: each cycle asks again for the last minutes of the previous
# one (rows already stored are found by their Chorus Pro id).
OVERLAP = timedelta(minutes=5)
ACTIVE_INTERVAL = timedelta(minutes=1)
QUIET_INTERVAL = timedelta(minutes=10)
# A cycle never legitimately lasts this long; a worker that died holding the lock frees it then.
LOCK_TIMEOUT = 15 * 60

_ROLE = {RECIPIENT: Membership.Role.RECIPIENT_AGENT, VALIDATOR: Membership.Role.VALIDATOR}
_PARTY = {RECIPIENT: "recipient", VALIDATOR: "validator"}
_WATERMARK = {RECIPIENT: "received_synced_until", VALIDATOR: "validations_synced_until"}
# Chorus Pro statuses in which the other side (or Chorus Pro's routing) is expected to move soon.
_MOVING = {
    RECIPIENT: [
        ChorusStatus.DEPOSITED,
        ChorusStatus.ROUTING,
        ChorusStatus.SUSPENDED,
        ChorusStatus.TO_RECYCLE,
        ChorusStatus.VALIDATED_1,
    ],
    VALIDATOR: [
        ChorusStatus.DEPOSITED,
        ChorusStatus.ROUTING,
        ChorusStatus.REFUSED_1,
        ChorusStatus.SUPPLIER_ERROR_ON_VALIDATOR,
    ],
}
# For a second-level validator: the first validator's validation is on its way, or the supplier
# answers its refusal.
_MOVING_TO_SECOND_VALIDATOR = [
    ChorusStatus.TO_VALIDATE_1,
    ChorusStatus.VALIDATED_1,
    ChorusStatus.REFUSED_2,
]


def first_cycle_lookback() -> timedelta:
    """How far back the very first cycle of an account looks (setting, default 90 days)."""
    return timedelta(days=getattr(settings, "INBOX_FIRST_SYNC_LOOKBACK_DAYS", 90))


def cycle_changed_since(*, previous: datetime | None, started: datetime) -> datetime:
    """Where a cycle's changed-since search starts: the account's watermark (``previous``)
    minus the overlap, or, on its first cycle, the configured look-back from ``started``."""
    return previous - OVERLAP if previous else started - first_cycle_lookback()


def connections_due_for_inbox_sync(*, side: str, now=None) -> list[ChorusConnection]:
    """Accounts of structures with agents of ``side`` (recipient or validator) whose next cycle
    is due: every minute while invoices are moving towards them, every ten minutes otherwise."""
    now = now or timezone.now()
    party = _PARTY[side]
    agents = Membership.objects.filter(
        structure=OuterRef("structure"), role=_ROLE[side], user__is_active=True
    )
    moving = Invoice.objects.filter(
        Q(chorus_status__in=_MOVING[side])
        | Q(status__in=[Invoice.Status.QUEUED, Invoice.Status.SENDING]),
        **{party: OuterRef("structure")},
    )
    if side == VALIDATOR:
        moving = moving | Invoice.objects.filter(
            second_validator=OuterRef("structure"),
            chorus_status__in=_MOVING_TO_SECOND_VALIDATOR,
        )
    connections = (
        ChorusConnection.objects.select_related("structure")
        .annotate(has_agents=Exists(agents), has_moving=Exists(moving))
        .filter(has_agents=True)
        .order_by("pk")
    )
    due = []
    for connection in connections:
        last = getattr(connection, _WATERMARK[side])
        interval = ACTIVE_INTERVAL if connection.has_moving else QUIET_INTERVAL
        if last is None or now - last >= interval:
            due.append(connection)
    return due


@contextmanager
def sync_lock(connection: ChorusConnection, side: str):
    """Yields whether this worker holds the account's cycle for ``side``.

    The watermark moves only at the end of a cycle, so the beat keeps finding a long first cycle
    due; a second worker must not run the same cycle alongside. The cache is shared by every
    worker (Redis in production, a file cache in the embedded run).
    """
    key = f"inbox-sync:{side}:{connection.pk}"
    acquired = cache.add(key, timezone.now().isoformat(), timeout=LOCK_TIMEOUT)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(key)
