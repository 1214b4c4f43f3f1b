"""The back-office's health page: each Chorus Pro connection, the queues, the background
processes and Chorus Pro itself, read from the data and the broker; nothing here calls Chorus Pro
(no request waits on it: whether it answers is read from the latest exchanges)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import redis
from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from invoices.actions.services import ACTIONS
from invoices.documents.downloads import DOWNLOADS
from invoices.flows.deposit import SENDING as FLOW_SENDING
from invoices.retries import WorkQueue
from invoices.sending.submission import SENDING as INVOICE_SENDING
from portal.health import health_report
from structures.chorus import ERROR_KIND_LABELS
from structures.models import ChorusConnection, ChorusExchange

# Chorus Pro is "answering" when an exchange succeeded this recently; "not answering" when the
# exchanges of that window all failed for want of an answer.
ANSWERING_WINDOW = timedelta(minutes=15)
PASSWORD_SOON = timedelta(days=30)
QUEUE_NAME = "celery"

WORK_QUEUES: list[tuple[str, WorkQueue]] = [
    (_("Invoices to send"), INVOICE_SENDING),
    (_("Actions on invoices"), ACTIONS),
    (_("Files to deposit"), FLOW_SENDING),
    (_("Document downloads"), DOWNLOADS),
]
SYNC_WATERMARKS = [
    ("statuses_synced_until", _("statuses of sent invoices")),
    ("received_synced_until", _("received invoices")),
    ("validations_synced_until", _("invoices to validate")),
]


@dataclass
class ConnectionHealth:
    connection: ChorusConnection
    syncs: list[tuple[str, datetime, timedelta]] = field(default_factory=list)
    failures: list[tuple[str, int]] = field(default_factory=list)
    expiry_state: str = "unknown"  # expired, soon, ok, unknown
    password_days_left: int | None = None

    @property
    def failure_count(self) -> int:
        return sum(count for _label, count in self.failures)


def connections_health(*, now: datetime | None = None) -> list[ConnectionHealth]:
    """Each connection with its sync lags, its failures of the last 24 hours by kind and its
    password's expiry; the ones with trouble first."""
    now = now or timezone.now()
    failures = (
        ChorusExchange.objects.filter(started_at__gte=now - timedelta(hours=24))
        .exclude(error_kind="")
        .values("connection_id", "error_kind")
        .annotate(count=Count("pk"))
    )
    by_connection: dict[int, list] = {}
    for row in failures:
        label = str(ERROR_KIND_LABELS.get(row["error_kind"], row["error_kind"]))
        by_connection.setdefault(row["connection_id"], []).append((label, row["count"]))
    today = timezone.localdate(now)
    report = []
    for connection in ChorusConnection.objects.select_related("structure").order_by(
        "structure__name"
    ):
        health = ConnectionHealth(connection, failures=by_connection.get(connection.pk, []))
        for attribute, label in SYNC_WATERMARKS:
            synced = getattr(connection, attribute)
            if synced is not None:
                health.syncs.append((str(label), synced, now - synced))
        health.expiry_state, health.password_days_left = _password(connection, today)
        report.append(health)
    trouble = {"expired": 0, "soon": 1}
    return sorted(report, key=lambda h: (trouble.get(h.expiry_state, 2), -h.failure_count))


def _password(connection: ChorusConnection, today: date) -> tuple[str, int | None]:
    expires = connection.password_expires_on
    if expires is None:
        return "unknown", None
    left = (expires - today).days
    if left < 0:
        return "expired", left
    return ("soon" if left <= PASSWORD_SOON.days else "ok"), left


def work_waiting(*, now: datetime | None = None) -> list[dict]:
    """Per kind of background work: the rows due and held by nobody, and since when the oldest
    waits (what the broker's queue means in the portal's terms, whichever broker)."""
    now = now or timezone.now()
    rows = []
    for label, queue in WORK_QUEUES:
        free = Q(**{f"{queue.lease}__isnull": True}) | Q(**{f"{queue.lease}__lt": now})
        due = Q(**{f"{queue.due}__lte": now}) | Q(**{f"{queue.due}__isnull": True})
        waiting = queue.model.objects.filter(queue.pending).filter(free, due)
        figures = waiting.aggregate(count=Count("pk"), oldest=Min(queue.due))
        oldest = figures["oldest"]
        rows.append(
            {
                "label": label,
                "count": figures["count"],
                "oldest_age": (now - oldest) if oldest and figures["count"] else None,
            }
        )
    return rows


def broker_queue(*, now: datetime | None = None) -> dict:
    """The Celery queue's depth in the broker, and the age of its oldest message when the
    broker can tell (the embedded run's filesystem broker keeps one file per message; Redis
    keeps a list whose messages carry no date)."""
    now = now or timezone.now()
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith("filesystem"):
            folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
            files = list(folder.glob(f"*.{QUEUE_NAME}.msg"))
            oldest = min((f.stat().st_mtime for f in files), default=None)
            age = now - datetime.fromtimestamp(oldest, tz=UTC) if oldest else None
            return {"broker": _("files"), "depth": len(files), "oldest_age": age, "ok": True}
        client = redis.Redis.from_url(url, socket_timeout=2)
        try:
            return {
                "broker": "Redis",
                "depth": client.llen(QUEUE_NAME),
                "oldest_age": None,
                "ok": True,
            }
        finally:
            client.close()
    except (OSError, KeyError, ValueError, RedisError):
        return {"broker": url.split(":", 1)[0], "depth": None, "oldest_age": None, "ok": False}


def chorus_answering(*, now: datetime | None = None) -> dict:
    """``answering`` when an exchange succeeded within ANSWERING_WINDOW, ``not_answering`` when
    every exchange of the window got no answer, ``unknown`` when there was none."""
    now = now or timezone.now()
    recent = ChorusExchange.objects.filter(started_at__gte=now - ANSWERING_WINDOW)
    answered = ChorusExchange.objects.filter(http_status__isnull=False, http_status__lt=500)
    last_answer = answered.order_by("-started_at").values_list("started_at", flat=True).first()
    if last_answer is not None and last_answer >= now - ANSWERING_WINDOW:
        state = "answering"
    elif recent.exists():
        state = "not_answering"
    else:
        state = "unknown"
    return {"state": state, "last_answer_at": last_answer}


def exchanges_per_hour(*, now: datetime | None = None, hours: int = 24) -> list[dict]:
    """Exchanges and failures of each of the last ``hours`` hours, oldest first, every hour
    present (zero when quiet), in local time."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    counted = (
        ChorusExchange.objects.filter(started_at__gte=start)
        .annotate(hour=TruncHour("started_at"))
        .values("hour")
        .annotate(exchanges=Count("pk"), failures=Count("pk", filter=~Q(error_kind="")))
    )
    by_hour = {timezone.localtime(row["hour"]).replace(tzinfo=None): row for row in counted}
    series = []
    for step in range(hours):
        hour = (start + timedelta(hours=step)).replace(tzinfo=None)
        row = by_hour.get(hour, {})
        series.append(
            {
                "hour": hour.strftime("%H:00"),
                "exchanges": row.get("exchanges", 0),
                "failures": row.get("failures", 0),
            }
        )
    return series


def back_office_health(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    processes = health_report()["checks"]
    return {
        "connections": connections_health(now=now),
        "work": work_waiting(now=now),
        "broker": broker_queue(now=now),
        "workers": processes["workers"],
        "beat": processes["beat"],
        "chorus": chorus_answering(now=now),
        "per_hour": exchanges_per_hour(now=now),
    }
