"""Webhook deliveries in support's timeline of an invoice (invoices/support/timeline.py): each
attempt with what the receiver answered, and a delivery still waiting for its first one."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from invoices.models import Invoice
from invoices.support.timeline import TimelineEntry
from webhooks.models import Attempt, Delivery

SOURCE = "webhook"


def webhook_deliveries_timeline(invoice: Invoice) -> Iterable[TimelineEntry]:
    # Every invoice event carries the invoice under "invoice" (webhooks/receivers.py).
    about = {"event__data__invoice__id": invoice.pk}
    attempts = (
        Attempt.objects.filter(**{f"delivery__{key}": value for key, value in about.items()})
        .select_related("delivery__event", "delivery__endpoint")
        .order_by("attempted_at", "pk")
    )
    for attempt in attempts:
        event, endpoint = attempt.delivery.event, attempt.delivery.endpoint
        answer = (
            _("answered %(status)s") % {"status": attempt.status_code}
            if attempt.status_code
            else attempt.error
        )
        yield TimelineEntry(
            attempt.attempted_at,
            SOURCE,
            _("%(event)s to %(url)s") % {"event": event.type, "url": endpoint.url},
            f"{answer} – {attempt.duration_ms} ms",
            "ok" if attempt.succeeded else "problem",
        )
    waiting = Delivery.objects.filter(
        **about, status=Delivery.Status.PENDING, tries=0
    ).select_related("event", "endpoint")
    for delivery in waiting:
        yield TimelineEntry(
            delivery.created_at,
            SOURCE,
            _("%(event)s to %(url)s")
            % {"event": delivery.event.type, "url": delivery.endpoint.url},
            _("waiting for its first attempt"),
        )
