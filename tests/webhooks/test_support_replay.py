"""Support replays a webhook delivery from the back-office: one of its safe actions, confirmed
with a reason and recorded in the support audit (invoices/support, webhooks/support.py)."""

from django.urls import reverse
from django.utils import timezone

from invoices.models import StatusEvent
from invoices.support.models import SupportRecord
from tests.invoices.support.conftest import support_group
from tests.jobs import queued_ids
from webhooks.delivery import delivery_attempt
from webhooks.events import DELIVER_TASK
from webhooks.models import Delivery, Endpoint


def _delivered_once(world, receiver, endpoint_for, make_invoice, monkeypatch, capture):
    _endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    invoice = make_invoice(world["supplier"])
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    with capture(execute=True):
        StatusEvent.objects.create(
            invoice=invoice,
            status="MISE_A_DISPOSITION",
            occurred_at=timezone.now(),
            source=StatusEvent.Source.CHORUS,
        )
    [delivery_id] = queued
    queued.clear()
    assert delivery_attempt(delivery_id=delivery_id) == "delivered"
    return invoice, Delivery.objects.get(pk=delivery_id), secret, queued


def test_support_replays_a_delivery_and_the_receiver_gets_the_same_event_again(
    client,
    make_user,
    world,
    receiver,
    endpoint_for,
    make_invoice,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    invoice, delivery, secret, queued = _delivered_once(
        world, receiver, endpoint_for, make_invoice, monkeypatch, django_capture_on_commit_callbacks
    )
    agent = make_user(username="agent", is_staff=True)
    agent.groups.add(support_group())
    client.force_login(agent)
    url = reverse("admin:support_action", args=["webhook_replay", delivery.pk])
    assert 'name="reason"' in client.get(url).text
    assert url in client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "L’intégrateur a perdu l’événement"})

    assert response.status_code == 302
    assert queued == [delivery.pk]
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"
    first, again = (receiver.verified(request, secret) for request in receiver.requests)
    assert first["id"] == again["id"]
    record = SupportRecord.objects.get()
    assert (record.kind, record.invoice, record.outcome, record.actor) == (
        "webhook_replay",
        invoice,
        "queued",
        agent,
    )


def test_a_delivery_to_a_disabled_endpoint_is_not_replayed_and_that_is_recorded(
    client,
    make_user,
    world,
    receiver,
    endpoint_for,
    make_invoice,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    _invoice, delivery, _secret, queued = _delivered_once(
        world, receiver, endpoint_for, make_invoice, monkeypatch, django_capture_on_commit_callbacks
    )
    Endpoint.objects.update(is_active=False)
    agent = make_user(username="agent", is_staff=True)
    agent.groups.add(support_group())
    client.force_login(agent)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:support_action", args=["webhook_replay", delivery.pk]),
            {"reason": "Relance demandée"},
        )

    assert queued == []
    assert len(receiver.requests) == 1
    assert SupportRecord.objects.get().outcome == "refused"
