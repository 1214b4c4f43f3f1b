"""Delivering an event to an endpoint, in a worker; at least once.

1. Claim the delivery with a conditional UPDATE (pending, due, endpoint active, not leased by
   another worker): two workers never POST the same delivery at once.
2. Sign the body afresh (new timestamp, same event id) and POST it (webhooks/transport.py).
3. Record the attempt (time, HTTP status, duration, first bytes of the answer or the error).
4. A 2xx delivers it and clears the endpoint's failures. Anything else schedules the next
   attempt with exponential backoff (30 s, 1 min, 2 min... at most 4 h apart) for a day from the
   delivery's start (or replay), then gives it up.
5. After repeated failure (WEBHOOKS_DISABLE_AFTER_FAILURES failed attempts in a row over at
   least WEBHOOKS_DISABLE_AFTER_HOURS, or a delivery given up) the endpoint is disabled and the
   structure's managers are told, in the portal and by e-mail. Its deliveries wait for a manager
   to enable it again.

`deliveries_due` is the periodic sweep (portal/celery.py) that queues retries when due, and
first attempts whose task was lost; `events_clean` the daily removal of finished events older
than WEBHOOKS_KEEP_DAYS.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from webhooks import transport
from webhooks.events import event_body
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.notices import endpoint_disabled_notify
from webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)  # well over the connect + read timeouts of one POST
# A first attempt queued at once is the sweep's only when its task looks lost.
FIRST_ATTEMPT_LOST_AFTER = timedelta(seconds=60)


def retry_delay(tries: int) -> timedelta:
    """The wait after the ``tries``-th failed attempt: 30 s, doubling, at most 4 hours."""
    first = settings.WEBHOOKS_RETRY_FIRST_SECONDS
    return timedelta(seconds=min(first * 2 ** (tries - 1), settings.WEBHOOKS_RETRY_MAX_SECONDS))


def _limits() -> transport.Limits:
    return transport.Limits(
        connect_timeout=settings.WEBHOOKS_CONNECT_TIMEOUT,
        read_timeout=settings.WEBHOOKS_READ_TIMEOUT,
        max_response_bytes=settings.WEBHOOKS_MAX_RESPONSE_BYTES,
        allow_private_networks=settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS,
    )


def _claim(delivery_id: int, now) -> Delivery | None:
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id,
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + LEASE)
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int, now=None) -> str:
    """One attempt of one delivery; safe to run twice. Returns what happened, for logs."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "not-due"
    event, endpoint = delivery.event, delivery.endpoint
    try:
        body = event_body(event)
        headers = signed_headers(
            secret=endpoint.secret(),
            body=body,
            event_id=str(event.pk),
            event_type=event.type,
            now=now.timestamp(),
        )
        answer = transport.post(endpoint.url, body, headers, limits=_limits())
    except Exception:
        # A bug or a secret that no longer decrypts (CREDENTIALS_KEY changed): push the
        # delivery to its next attempt before raising, so one bad row cannot keep the workers
        # busy; it is given up after its day like any other.
        Delivery.objects.filter(pk=delivery.pk).update(
            tries=F("tries") + 1,
            next_attempt_at=now + retry_delay(delivery.tries + 1),
            lease_until=None,
        )
        raise
    Attempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=answer.status_code,
        duration_ms=answer.duration_ms,
        response_excerpt=answer.excerpt,
        error=answer.error[:300],
        succeeded=answer.succeeded,
    )
    if answer.succeeded:
        _delivered(delivery, endpoint, answer, now)
        return "delivered"
    logger.info(
        "webhook delivery %s to endpoint %s failed: %s",
        delivery.pk,
        endpoint.pk,
        answer.status_code or answer.error,
    )
    return _failed(delivery, endpoint, answer, now)


def _delivered(delivery: Delivery, endpoint: Endpoint, answer, now) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED,
            tries=F("tries") + 1,
            delivered_at=now,
            next_attempt_at=None,
            lease_until=None,
            last_status_code=answer.status_code,
        )
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, failing_since=None)


def _failed(delivery: Delivery, endpoint: Endpoint, answer, now) -> str:
    tries = delivery.tries + 1
    next_at = now + retry_delay(tries)
    window = timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    given_up = next_at > delivery.round_started_at + window
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED if given_up else Delivery.Status.PENDING,
            tries=tries,
            next_attempt_at=None if given_up else next_at,
            lease_until=None,
            last_status_code=answer.status_code,
        )
        Endpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1,
            failing_since=Coalesce(F("failing_since"), now),
        )
        endpoint.refresh_from_db(fields=["consecutive_failures", "failing_since", "is_active"])
        if given_up or _failing_for_long(endpoint, now):
            _disable(endpoint, now)
    return "given-up" if given_up else "retry"


def _failing_for_long(endpoint: Endpoint, now) -> bool:
    return endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES and (
        endpoint.failing_since is not None
        and now - endpoint.failing_since >= timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
    )


def _disable(endpoint: Endpoint, now) -> None:
    """Disable once (conditional UPDATE) and tell the managers after the commit."""
    disabled = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=now
    )
    if disabled:
        logger.warning("webhook endpoint %s disabled after repeated failure", endpoint.pk)
        transaction.on_commit(lambda: endpoint_disabled_notify(endpoint_id=endpoint.pk))


def deliveries_due(*, now=None, limit: int = 500) -> list[int]:
    """Deliveries whose retry is due, or whose first attempt's task was lost; leased ones are
    being attempted."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .filter(Q(tries__gt=0) | Q(next_attempt_at__lte=now - FIRST_ATTEMPT_LOST_AFTER))
    )
    return list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def events_clean(*, now=None, limit: int = 5000) -> int:
    """Remove events older than WEBHOOKS_KEEP_DAYS whose deliveries are all finished (delivered
    or given up), with their deliveries and attempts. Returns how many events were removed."""
    now = now or timezone.now()
    old = Event.objects.filter(
        created_at__lt=now - timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    ).exclude(deliveries__status=Delivery.Status.PENDING)
    ids = list(old.values_list("pk", flat=True)[:limit])
    Event.objects.filter(pk__in=ids).delete()
    return len(ids)
