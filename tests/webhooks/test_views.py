"""The structure manager's webhook pages, in French; other structures' managers get 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from invoices.models import StatusEvent
from tests.jobs import queued_ids
from webhooks.delivery import delivery_attempt
from webhooks.events import DELIVER_TASK
from webhooks.models import Delivery, Endpoint

FORM = {"url": "https://erp.example.test/hooks", "description": "ERP", "events": ["invoice.paid"]}


@pytest.fixture
def manager_client(client, world):
    client.force_login(world["manager"])
    return client


@pytest.fixture
def delivered(
    world, receiver, endpoint_for, make_invoice, monkeypatch, django_capture_on_commit_callbacks
):
    """An endpoint of the supplier with one delivery, answered 500 then delivered."""
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    endpoint, _secret = endpoint_for(world["supplier"], receiver.url)
    receiver.answer(500, b"try later")
    with django_capture_on_commit_callbacks(execute=True):
        StatusEvent.objects.create(
            invoice=make_invoice(world["supplier"]),
            status="MISE_A_DISPOSITION",
            occurred_at=timezone.now(),
            source=StatusEvent.Source.CHORUS,
        )
    [delivery_id] = queued
    delivery_attempt(delivery_id=delivery_id)
    queued.clear()
    return endpoint, Delivery.objects.get(pk=delivery_id), queued


def test_a_manager_registers_an_endpoint_and_sees_its_secret_once(manager_client, world):
    url = reverse("webhooks:endpoints", args=[world["supplier"].pk])
    page = manager_client.get(url)
    assert "Ajouter un point de réception" in page.content.decode()

    response = manager_client.post(url, FORM)

    endpoint = Endpoint.objects.get()
    secret = endpoint.secret()
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert secret not in endpoint.secret_encrypted
    assert (endpoint.url, endpoint.events, endpoint.created_by) == (
        FORM["url"],
        ["invoice.paid"],
        world["manager"],
    )
    detail = manager_client.get(
        reverse("webhooks:endpoint", args=[world["supplier"].pk, endpoint.pk])
    )
    assert detail.status_code == 200 and secret not in detail.content.decode()
    assert secret not in manager_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("ftp://erp.example.test/hooks", "Saisissez une URL valide."),
        ("https://user:pw@erp.example.test/hooks", "Ne mettez pas d’identifiant"),
    ],
)
def test_only_plain_http_addresses_are_accepted(manager_client, world, address, error):
    url = reverse("webhooks:endpoints", args=[world["supplier"].pk])
    response = manager_client.post(url, {**FORM, "url": address})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Endpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_event(manager_client, world):
    url = reverse("webhooks:endpoints", args=[world["supplier"].pk])
    response = manager_client.post(url, {**FORM, "events": []})
    assert "Choisissez au moins un événement." in response.content.decode()


def test_the_delivery_page_shows_each_attempt_and_replays_it_in_a_worker(
    manager_client, world, receiver, delivered, django_capture_on_commit_callbacks
):
    endpoint, delivery, queued = delivered
    args = [world["supplier"].pk, endpoint.pk, delivery.pk]
    page = manager_client.get(reverse("webhooks:delivery", args=args)).content.decode()
    assert "try later" in page and "500" in page and str(delivery.event_id) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("webhooks:delivery_replay", args=args))

    assert response.status_code == 302
    assert queued == [delivery.pk]  # a worker sends it: the request did not
    assert len(receiver.requests) == 1


def test_a_disabled_endpoint_is_enabled_again_from_its_page(
    manager_client, world, delivered, django_capture_on_commit_callbacks
):
    endpoint, delivery, queued = delivered
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=timezone.now())
    args = [world["supplier"].pk, endpoint.pk]
    page = manager_client.get(reverse("webhooks:endpoint", args=args)).content.decode()
    assert "Réactiver" in page

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("webhooks:endpoint_enable", args=args))

    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0
    assert queued == [delivery.pk]


def test_the_structure_page_leads_its_managers_to_the_webhooks(manager_client, world):
    page = manager_client.get(reverse("structures:detail", args=[world["supplier"].pk]))
    assert reverse("webhooks:endpoints", args=[world["supplier"].pk]) in page.content.decode()


@pytest.mark.parametrize("who", ["other_manager", "agent"])
def test_someone_who_does_not_manage_the_structure_gets_404_everywhere(
    client, world, delivered, who
):
    endpoint, delivery, _queued = delivered
    client.force_login(world[who])
    structure = world["supplier"].pk
    pages = (
        [
            ("get", reverse("webhooks:endpoints", args=[structure])),
            ("post", reverse("webhooks:endpoints", args=[structure])),
            ("get", reverse("webhooks:endpoint", args=[structure, endpoint.pk])),
            ("post", reverse("webhooks:endpoint", args=[structure, endpoint.pk])),
            ("get", reverse("webhooks:delivery", args=[structure, endpoint.pk, delivery.pk])),
        ]
        + [
            ("post", reverse(f"webhooks:{name}", args=[structure, endpoint.pk]))
            for name in ("endpoint_enable", "endpoint_delete", "endpoint_ping", "endpoint_secret")
        ]
        + [
            (
                "post",
                reverse("webhooks:delivery_replay", args=[structure, endpoint.pk, delivery.pk]),
            )
        ]
    )
    for method, url in pages:
        assert getattr(client, method)(url, FORM).status_code == 404, url
    assert Endpoint.objects.filter(pk=endpoint.pk, url=endpoint.url).exists()


def test_a_manager_cannot_reach_another_structures_endpoint_through_their_own(
    client, world, delivered
):
    """The other structure's manager, with the endpoint's id under their own structure."""
    endpoint, delivery, _queued = delivered
    client.force_login(world["other_manager"])
    own = world["other"].pk
    assert client.get(reverse("webhooks:endpoint", args=[own, endpoint.pk])).status_code == 404
    replay = reverse("webhooks:delivery_replay", args=[own, endpoint.pk, delivery.pk])
    assert client.post(replay).status_code == 404


def test_the_deliveries_follow_without_a_reload_while_one_is_under_way(
    manager_client, world, delivered
):
    endpoint, delivery, _queued = delivered  # answered 500: a retry is pending
    url = reverse("webhooks:endpoint", args=[world["supplier"].pk, endpoint.pk])
    region = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert region.lstrip().startswith('<section class="card" id="deliveries"')
    assert 'hx-trigger="every 3s"' in region and f'data-delivery="{delivery.pk}"' in region
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DELIVERED)
    region = manager_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in region


def test_support_reads_deliveries_in_the_back_office_without_the_secret(
    client, world, delivered, django_user_model
):
    endpoint, delivery, _queued = delivered
    staff = django_user_model.objects.create_superuser("support-test", "s@example.test", "pw-42")
    client.force_login(staff)
    page = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and "try later" in page.content.decode()
    page = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert page.status_code == 200
    assert endpoint.secret() not in page.content.decode()
    assert endpoint.secret_encrypted not in page.content.decode()


def test_a_test_event_reaches_the_endpoint_from_its_page(
    manager_client, world, receiver, endpoint_for, monkeypatch, django_capture_on_commit_callbacks
):
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    endpoint, secret = endpoint_for(world["supplier"], receiver.url)
    url = reverse("webhooks:endpoint_ping", args=[world["supplier"].pk, endpoint.pk])
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url)
    assert receiver.requests == []
    [delivery_id] = queued
    assert delivery_attempt(delivery_id=delivery_id) == "delivered"
    event = receiver.verified(receiver.requests[0], secret)
    assert event["type"] == "webhook.ping"


def test_a_replaced_secret_is_shown_once_and_signs_from_then_on(
    manager_client, world, endpoint_for
):
    endpoint, old = endpoint_for(world["supplier"], "https://erp.example.test/hooks")
    url = reverse("webhooks:endpoint_secret", args=[world["supplier"].pk, endpoint.pk])
    response = manager_client.post(url)
    endpoint.refresh_from_db()
    new = endpoint.secret()
    assert new != old and new in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_manager_deletes_an_endpoint_and_its_deliveries(manager_client, world, delivered):
    endpoint, _delivery, _queued = delivered
    url = reverse("webhooks:endpoint_delete", args=[world["supplier"].pk, endpoint.pk])
    response = manager_client.post(url)
    assert response.status_code == 302
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_a_structure_has_a_bounded_number_of_endpoints(manager_client, world, endpoint_for):
    from webhooks.services import MAX_ENDPOINTS

    for index in range(MAX_ENDPOINTS):
        endpoint_for(world["supplier"], f"https://erp.example.test/{index}")
    url = reverse("webhooks:endpoints", args=[world["supplier"].pk])
    response = manager_client.post(url, FORM)
    assert response.status_code == 200
    assert "au plus 10 points de réception" in response.content.decode()
    assert Endpoint.objects.count() == MAX_ENDPOINTS
