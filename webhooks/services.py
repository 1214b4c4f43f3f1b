"""What a structure manager does with webhooks: register an endpoint (its secret is shown once),
enable it again after it was disabled, delete it, replay a delivery, send a test event.

Deliveries themselves happen in workers (webhooks/delivery.py); these only write rows and queue
them once the transaction commits.
"""

from django.db import transaction
from django.utils import timezone

from portal.jobs import enqueue
from structures.models import Structure
from webhooks.events import DELIVER_TASK, event_record
from webhooks.models import PING, Delivery, Endpoint
from webhooks.signing import secret_generate

MAX_ENDPOINTS = 10  # per structure: each event is one delivery per endpoint


class EndpointLimitError(Exception):
    """The structure already has MAX_ENDPOINTS endpoints."""


class EndpointDisabledError(Exception):
    """A delivery of a disabled endpoint cannot be replayed: enable the endpoint first."""


def endpoint_create(
    *, structure: Structure, user, url: str, description: str, events: list[str]
) -> tuple[Endpoint, str]:
    """Register the endpoint; returns it with its secret, which is never shown again."""
    if Endpoint.objects.filter(structure=structure).count() >= MAX_ENDPOINTS:
        raise EndpointLimitError
    secret = secret_generate()
    endpoint = Endpoint(
        structure=structure, url=url, description=description, events=events, created_by=user
    )
    endpoint.set_secret(secret)
    endpoint.save()
    return endpoint, secret


def endpoint_update(*, endpoint: Endpoint, url: str, description: str, events: list[str]) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(url=url, description=description, events=events)


def endpoint_secret_rotate(*, endpoint: Endpoint) -> str:
    """A new secret (returned, shown once); the old one stops signing at once."""
    secret = secret_generate()
    endpoint.set_secret(secret)
    endpoint.save(update_fields=["secret_encrypted"])
    return secret


@transaction.atomic
def endpoint_enable(*, endpoint: Endpoint) -> int:
    """Enable the endpoint again; the deliveries held meanwhile start a new day of retries at
    once. Returns how many were resumed."""
    now = timezone.now()
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_at=None, consecutive_failures=0, failing_since=None
    )
    held = list(
        Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=held).update(
        tries=0, round_started_at=now, next_attempt_at=now, lease_until=None
    )
    for delivery_id in held:
        enqueue(DELIVER_TASK, delivery_id)
    return len(held)


def endpoint_delete(*, endpoint: Endpoint) -> None:
    endpoint.delete()


@transaction.atomic
def delivery_replay(*, delivery: Delivery) -> None:
    """Deliver the event again, with the same event id, for a new day of retries."""
    if not Endpoint.objects.filter(pk=delivery.endpoint_id, is_active=True).exists():
        raise EndpointDisabledError
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING,
        tries=0,
        round_started_at=now,
        next_attempt_at=now,
        lease_until=None,
        delivered_at=None,
    )
    enqueue(DELIVER_TASK, delivery.pk)


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint) -> None:
    """A test event (webhook.ping) to this endpoint only, delivered like any other."""
    now = timezone.now()
    event_record(
        structure_id=endpoint.structure_id,
        event_type=PING,
        data={"endpoint": {"id": endpoint.pk, "url": endpoint.url}},
        occurred_at=now,
        endpoints=[endpoint],
    )
