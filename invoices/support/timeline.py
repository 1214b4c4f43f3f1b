"""One invoice's timeline for support: everything that happened to it, from every source, in the
order it happened.

A source is a function ``(invoice) -> iterable of TimelineEntry``, listed in ``SOURCES``. To add
one (webhook deliveries, say), write the function beside its own model and add one line:
``register_timeline_source(webhook_deliveries_timeline)`` (or append it to ``SOURCES`` here).
Entries at the same instant keep the order of their sources.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from invoices.models import Invoice, InvoiceAction
from structures.chorus import ERROR_KIND_LABELS
from structures.models import ChorusExchange

SOURCE_LABELS = {
    "status": gettext_lazy("Status"),
    "exchange": gettext_lazy("Chorus Pro"),
    "action": gettext_lazy("Portal action"),
    "notification": gettext_lazy("Notice"),
    "support": gettext_lazy("Support"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """``level`` is ``ok``, ``problem`` or ``info`` (the badge); ``exchange`` is the Chorus Pro
    exchange whose redacted request and answer can be opened, if any."""

    at: datetime
    source: str
    title: str
    detail: str = ""
    level: str = "info"
    badge: str = ""
    exchange: ChorusExchange | None = field(default=None, compare=False)

    @property
    def css(self) -> str:
        return self.badge or f"badge-{self.level}"

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


def status_events_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    for event in invoice.events.select_related("actor").order_by("occurred_at", "pk"):
        who = event.actor_name or (event.actor.get_full_name() if event.actor else "")
        side = event.get_source_display()
        detail = f"{side} – {who}" if who else str(side)
        if event.comment:
            detail = f"{detail} – {event.comment}"
        badge = f"badge-{event.status}" if event.status in Invoice.Status.values else "badge-chorus"
        yield TimelineEntry(event.occurred_at, "status", event.status_label, detail, "info", badge)


def exchange_result(exchange: ChorusExchange) -> str:
    """The exchange's outcome in words: HTTP status, Chorus Pro's code and message."""
    parts = [
        str(ERROR_KIND_LABELS.get(exchange.error_kind, exchange.error_kind))
        if exchange.error_kind
        else _("answered")
    ]
    if exchange.http_status:
        parts.append(f"HTTP {exchange.http_status}")
    if exchange.return_code not in (None, 0):
        parts.append(_("code %(code)s") % {"code": exchange.return_code})
    if exchange.message and exchange.error_kind:
        parts.append(exchange.message[:200])
    return " – ".join(parts)


def exchanges_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    exchanges = ChorusExchange.objects.filter(invoice=invoice).order_by("started_at", "pk")
    for exchange in exchanges.defer("request", "response"):
        detail = _("%(result)s · %(duration)s ms · attempt %(attempt)d") % {
            "result": exchange_result(exchange),
            "duration": exchange.duration_ms,
            "attempt": exchange.attempt,
        }
        level = "problem" if exchange.error_kind else "ok"
        yield TimelineEntry(
            exchange.started_at, "exchange", exchange.operation, detail, level, exchange=exchange
        )


def actions_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    actions = invoice.actions.select_related("created_by").order_by("created_at", "pk")
    for action in actions:
        kind = action.get_kind_display()
        who = action.created_by.get_username() if action.created_by else _("the portal")
        yield TimelineEntry(
            action.created_at,
            "action",
            _("“%(kind)s” asked") % {"kind": kind},
            _("by %(who)s") % {"who": who},
        )
        if action.finished_at is None:
            continue
        failed = action.status == InvoiceAction.Status.FAILED
        detail = _attempts(action.attempts)
        if failed:
            detail = f"{detail} – {action.error_code} {action.error_message}".strip()
        yield TimelineEntry(
            action.finished_at,
            "action",
            _("“%(kind)s”: %(status)s") % {"kind": kind, "status": action.get_status_display()},
            detail,
            "problem" if failed else "ok",
        )


def _attempts(count: int) -> str:
    return ngettext("%(count)d attempt", "%(count)d attempts", count) % {"count": count}


def notifications_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    for notice in invoice.notifications.select_related("user").order_by("created_at", "pk"):
        yield TimelineEntry(
            notice.created_at,
            "notification",
            _("Notice to %(who)s") % {"who": notice.user.get_username()},
            notice.message,
        )


def support_records_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    for record in invoice.support_records.order_by("occurred_at", "pk"):
        detail = f"{record.actor_name} – {record.reason} – {record.get_outcome_display()}"
        if record.outcome_message:
            detail = f"{detail}: {record.outcome_message}"
        level = "problem" if record.outcome == record.Outcome.REFUSED else "info"
        yield TimelineEntry(record.occurred_at, "support", record.get_kind_display(), detail, level)


TimelineSource = Callable[[Invoice], Iterable[TimelineEntry]]
SOURCES: list[TimelineSource] = [
    status_events_timeline,
    exchanges_timeline,
    actions_timeline,
    notifications_timeline,
    support_records_timeline,
]


def register_timeline_source(source: TimelineSource, *, label: str = "", key: str = "") -> None:
    """Add a source (once); ``key`` and ``label`` name its entries' ``source`` for the page."""
    if source not in SOURCES:
        SOURCES.append(source)
    if key:
        SOURCE_LABELS[key] = label or key


def invoice_timeline(*, invoice: Invoice) -> list[TimelineEntry]:
    """Every source's entries, oldest first; ties keep the sources' order."""
    entries = [entry for source in SOURCES for entry in source(invoice)]
    return sorted(entries, key=lambda entry: entry.at)
