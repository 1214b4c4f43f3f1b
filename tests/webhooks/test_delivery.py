"""Deliveries reach a real HTTP server, signed, retried, and the endpoint is disabled after
repeated failure; all of it run by the worker's functions (webhooks/delivery.py)."""

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from invoices.models import Notification, StatusEvent
from tests.jobs import queued_ids
from webhooks.delivery import deliveries_due, delivery_attempt
from webhooks.events import DELIVER_TASK
from webhooks.models import Attempt, Delivery, Endpoint, Event
from webhooks.services import EndpointDisabledError, delivery_replay, endpoint_enable
from webhooks.signing import SignatureError, signature_verify


@pytest.fixture
def queued(monkeypatch):
    return queued_ids(monkeypatch, DELIVER_TASK)


def _status_change(invoice, status="MISE_A_DISPOSITION", capture=None):
    with capture(execute=True):
        return StatusEvent.objects.create(
            invoice=invoice,
            status=status,
            occurred_at=timezone.now(),
            source=StatusEvent.Source.CHORUS,
        )


def _run(queued, now=None) -> list[str]:
    done = [delivery_attempt(delivery_id=delivery_id, now=now) for delivery_id in queued]
    queued.clear()
    return done


def test_a_status_change_reaches_the_integrator_signed_with_its_secret(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    invoice = make_invoice(world["supplier"], world["recipient"], number="F-2026-001")

    _status_change(invoice, capture=django_capture_on_commit_callbacks)
    assert receiver.requests == []  # nothing leaves before a worker runs the delivery
    assert _run(queued) == ["delivered"]

    [request] = receiver.requests
    event = receiver.verified(request, secret)
    assert event["type"] == "invoice.status_changed"
    assert event["data"]["status"] == "MISE_A_DISPOSITION"
    assert event["data"]["invoice"]["number"] == "F-2026-001"
    assert event["data"]["invoice"]["total_incl_tax"] == "120.00"
    assert event["data"]["invoice"]["supplier"]["siret"] == world["supplier"].siret
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    attempt = Attempt.objects.get()
    assert (attempt.status_code, attempt.response_excerpt, attempt.succeeded) == (200, "ok", True)


def test_a_failed_attempt_is_retried_later_with_the_same_event_id(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    receiver.answer(500, b"database down")
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)

    now = timezone.now()
    assert _run(queued, now) == ["retry"]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at == now + timedelta(seconds=30)
    # Not due before its time; the periodic sweep queues it once due.
    assert deliveries_due(now=now + timedelta(seconds=29)) == []
    assert deliveries_due(now=now + timedelta(seconds=30)) == [delivery.pk]
    assert delivery_attempt(delivery_id=delivery.pk, now=now + timedelta(seconds=30)) == (
        "delivered"
    )

    first, second = (receiver.verified(r, secret) for r in receiver.requests)
    assert first["id"] == second["id"]
    assert first == second  # the same body, signed afresh
    attempts = list(Attempt.objects.order_by("attempted_at"))
    assert [(a.status_code, a.response_excerpt) for a in attempts] == [
        (500, "database down"),
        (200, "ok"),
    ]
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert Endpoint.objects.get().consecutive_failures == 0


def test_backoff_doubles_and_gives_up_after_a_day(
    world,
    receiver,
    endpoint_for,
    make_invoice,
    queued,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1000  # only the give-up disables it here
    endpoint_for(world["supplier"], receiver.url)
    receiver.answer(503, times=100)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    now = timezone.now()
    waits, outcome = [], "retry"
    while outcome == "retry":
        outcome = delivery_attempt(delivery_id=delivery.pk, now=now)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(int((delivery.next_attempt_at - now).total_seconds()))
            now = delivery.next_attempt_at
    assert waits[:5] == [30, 60, 120, 240, 480]
    assert max(waits) == 4 * 3600
    assert outcome == "given-up"
    assert delivery.status == Delivery.Status.FAILED
    assert now - delivery.round_started_at <= timedelta(days=1)
    assert len(receiver.requests) == delivery.tries == len(waits) + 1
    # Given up after a day: the endpoint is disabled.
    assert Endpoint.objects.get().is_active is False


@pytest.mark.django_db(transaction=False)
def test_an_endpoint_failing_repeatedly_is_disabled_and_its_managers_are_told(
    world,
    receiver,
    endpoint_for,
    make_invoice,
    queued,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 0
    endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    receiver.answer(500, times=3)
    invoice = make_invoice(world["supplier"])
    for _step in range(3):
        _status_change(invoice, capture=django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            assert _run(queued) == ["retry"]
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    [notice] = Notification.objects.filter(user=world["manager"])
    assert endpoint.url in notice.message
    assert [mail.to for mail in mailoutbox] == [[world["manager"].email]]
    assert not Notification.objects.filter(user=world["agent"]).exists()

    # While disabled nothing is sent; a new event is held, not lost.
    later = timezone.now() + timedelta(hours=1)
    assert deliveries_due(now=later) == []
    _status_change(invoice, "MISE_EN_PAIEMENT", capture=django_capture_on_commit_callbacks)
    assert queued == []
    assert all(
        delivery_attempt(delivery_id=d.pk, now=later) == "not-due" for d in Delivery.objects.all()
    )
    assert len(receiver.requests) == 3

    # Enabled again: every held delivery goes, each with its own event id.
    with django_capture_on_commit_callbacks(execute=True):
        # The three that failed, and the payment: invoice.status_changed and invoice.paid.
        assert endpoint_enable(endpoint=endpoint) == 5
    assert set(_run(queued)) == {"delivered"}
    ids = [receiver.verified(r, secret)["id"] for r in receiver.requests[3:]]
    assert sorted(ids) == sorted(str(pk) for pk in Event.objects.values_list("pk", flat=True))


def test_a_replayed_delivery_carries_the_same_event_id(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    _run(queued)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        delivery_replay(delivery=delivery)
    assert _run(queued) == ["delivered"]
    first, again = (receiver.verified(r, secret) for r in receiver.requests)
    assert first["id"] == again["id"]
    assert Attempt.objects.filter(delivery=delivery).count() == 2


def test_a_delivery_of_a_disabled_endpoint_is_not_replayed(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    endpoint, _secret = endpoint_for(world["supplier"], receiver.url)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    with pytest.raises(EndpointDisabledError):
        delivery_replay(delivery=Delivery.objects.get())


def test_a_redirect_is_not_followed_and_a_long_answer_is_cut(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    endpoint_for(world["supplier"], receiver.url)
    receiver.answer(302, b"", {"Location": receiver.url + "/elsewhere"})
    receiver.answer(400, b"x" * 1_000_000)
    invoice = make_invoice(world["supplier"])
    _status_change(invoice, capture=django_capture_on_commit_callbacks)
    _status_change(invoice, "MISE_EN_PAIEMENT", capture=django_capture_on_commit_callbacks)
    assert _run(queued) == ["retry", "retry", "delivered"]  # invoice.paid went through
    assert [r["path"] for r in receiver.requests] == ["/hooks"] * 3
    codes = {a.status_code: a for a in Attempt.objects.all()}
    assert codes[302].succeeded is False
    assert codes[400].response_excerpt == "x" * 500


def test_an_endpoint_that_does_not_answer_is_a_failed_attempt(
    world, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    endpoint_for(world["supplier"], f"http://127.0.0.1:{port}/hooks")
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    assert _run(queued) == ["retry"]
    attempt = Attempt.objects.get()
    assert (attempt.status_code, attempt.error) == (None, "connection refused or lost")


def test_private_addresses_are_refused_outside_the_embedded_run(
    world,
    receiver,
    endpoint_for,
    make_invoice,
    queued,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    endpoint_for(world["supplier"], receiver.url)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    assert _run(queued) == ["retry"]
    assert receiver.requests == []
    assert Attempt.objects.get().error == "the host resolves to a non-public address"


def test_the_secret_is_stored_encrypted_and_never_logged(
    world, receiver, endpoint_for, make_invoice, queued, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    assert secret not in endpoint.secret_encrypted
    assert Endpoint.objects.get().secret() == secret
    receiver.answer(500)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    _run(queued)
    assert caplog.records  # the failure was logged...
    assert secret not in caplog.text  # ...without the secret
    assert secret not in repr(endpoint)


def test_a_receiver_refuses_a_replayed_or_tampered_request(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    _run(queued)
    [request] = receiver.requests
    headers = {name.lower(): value for name, value in request["headers"].items()}
    stamp, signed = headers["x-webhook-timestamp"], headers["x-webhook-signature"]
    check = {"secret": secret, "timestamp": stamp, "signature_header": signed}
    assert signature_verify(body=request["body"], **check) == int(stamp)
    with pytest.raises(SignatureError) as replayed:
        signature_verify(body=request["body"], now=int(stamp) + 301, **check)
    assert replayed.value.code == "expired"
    assert replayed.value.as_errors() == {
        "errors": {"signature": [{"code": "expired", "message": str(replayed.value)}]}
    }
    body = json.loads(request["body"])
    body["data"]["status"] = "MISE_EN_PAIEMENT"
    with pytest.raises(SignatureError) as tampered:
        signature_verify(body=json.dumps(body).encode(), **check)
    assert tampered.value.code == "mismatch"
    with pytest.raises(SignatureError) as wrong_key:
        signature_verify(body=request["body"], **{**check, "secret": "whsec_other"})
    assert wrong_key.value.code == "mismatch"


def test_a_delivery_that_breaks_the_worker_is_pushed_to_its_next_attempt(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    endpoint, _secret = endpoint_for(world["supplier"], receiver.url)
    # The credentials key changed since: the secret no longer decrypts.
    Endpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted="not-a-fernet-token")
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    now = timezone.now()
    with pytest.raises(ValueError, match="CREDENTIALS_KEY"):
        _run(queued, now)
    delivery = Delivery.objects.get()
    assert (delivery.tries, delivery.lease_until) == (1, None)
    assert delivery.next_attempt_at == now + timedelta(seconds=30)
    assert receiver.requests == []


def test_a_delivery_held_by_one_worker_is_not_sent_by_another(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    endpoint_for(world["supplier"], receiver.url)
    _status_change(make_invoice(world["supplier"]), capture=django_capture_on_commit_callbacks)
    [delivery_id] = queued
    now = timezone.now()
    # A worker holds it (its lease runs), as when a redelivered task arrives meanwhile.
    Delivery.objects.filter(pk=delivery_id).update(
        tries=1, next_attempt_at=now, lease_until=now + timedelta(seconds=30)
    )
    assert delivery_attempt(delivery_id=delivery_id, now=now) == "not-due"
    assert deliveries_due(now=now + timedelta(seconds=20)) == []
    assert deliveries_due(now=now + timedelta(seconds=31)) == [delivery_id]
    # A worker that died leaves a lease that expires: the delivery is attempted again.
    later = now + timedelta(seconds=31)
    assert delivery_attempt(delivery_id=delivery_id, now=later) == "delivered"
    assert delivery_attempt(delivery_id=delivery_id, now=later) == "not-due"
    assert len(receiver.requests) == 1


def test_support_sees_each_attempt_in_the_invoice_timeline(
    world, receiver, endpoint_for, make_invoice, queued, django_capture_on_commit_callbacks
):
    from django.utils.translation import override

    from invoices.support.timeline import invoice_timeline

    def webhook_entries(invoice):
        with override("en"):  # the entries' words, whatever the catalogue says in French
            return [e for e in invoice_timeline(invoice=invoice) if e.source == "webhook"]

    endpoint_for(world["supplier"], receiver.url)
    invoice = make_invoice(world["supplier"])
    _status_change(invoice, capture=django_capture_on_commit_callbacks)
    assert [entry.detail for entry in webhook_entries(invoice)] == ["waiting for its first attempt"]

    receiver.answer(500, b"database down")
    now = timezone.now()
    _run(queued, now)
    receiver.answer(200, b"ok")
    delivery_attempt(delivery_id=Delivery.objects.get().pk, now=now + timedelta(seconds=30))

    entries = webhook_entries(invoice)
    assert [(entry.level, entry.detail.split(" – ")[0]) for entry in entries] == [
        ("problem", "answered 500"),
        ("ok", "answered 200"),
    ]
    assert receiver.url in entries[0].title
