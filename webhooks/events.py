"""Recording events in the outbox: one Event per structure told, and one Delivery per endpoint
of that structure subscribed to its type, in the caller's transaction.

Nothing is recorded for a structure with no endpoint wanting the event (an endpoint hears of
what happens from its registration on). An endpoint disabled after repeated failure still gets
its deliveries, held until a manager enables it again.
"""

import json
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.jobs import enqueue
from webhooks.models import Delivery, Endpoint, Event

# The task that makes one delivery attempt (webhooks/tasks.py).
DELIVER_TASK = "webhooks.deliver"


def endpoints_for(*, structure_id: int, event_type: str) -> list[Endpoint]:
    # JSON containment is not on every database: filter the few endpoints of a structure here.
    endpoints = Endpoint.objects.filter(structure_id=structure_id).only("events", "is_active")
    return [endpoint for endpoint in endpoints if event_type in endpoint.events]


def event_record(
    *,
    structure_id: int,
    event_type: str,
    data: dict,
    occurred_at: datetime,
    source_key: str = "",
    endpoints: list[Endpoint] | None = None,
) -> Event | None:
    """Store the event for the structure's subscribed endpoints (or those given) and queue the
    first attempt of each delivery once the transaction commits. Returns None when nobody
    subscribes, or when this source was already recorded (a second worker)."""
    if endpoints is None:
        endpoints = endpoints_for(structure_id=structure_id, event_type=event_type)
    if not endpoints:
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            event = Event.objects.create(
                structure_id=structure_id,
                type=event_type,
                data=data,
                occurred_at=occurred_at,
                source_key=source_key[:120],
            )
    except IntegrityError:
        return None  # the same change, recorded by another worker: one event
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            event=event,
            endpoint=endpoint,
            round_started_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    for delivery, endpoint in zip(deliveries, endpoints, strict=True):
        if endpoint.is_active:
            enqueue(DELIVER_TASK, delivery.pk)
    return event


def event_body(event: Event) -> bytes:
    """The exact bytes sent (and signed), the same for every attempt of every endpoint."""
    document = {
        "id": str(event.pk),
        "type": event.type,
        "created_at": event.occurred_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
