"""In French, in Chromium: the demo supplier's manager registers a webhook endpoint from the
structure's page, copies its secret, sends a test event and watches it delivered."""

import pytest
from playwright.sync_api import expect

from structures.models import Structure
from tests.jobs import queued_ids
from tests.webhooks.receiver import Receiver
from webhooks.delivery import delivery_attempt
from webhooks.events import DELIVER_TASK

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SUPPLIER_SIRET = "12345678200010"  # Atelier Numérique, the demo supplier


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_a_manager_registers_an_endpoint_and_sees_a_test_event_delivered(
    transactional_db, demo_world, live_server, page, log_in, receiver, monkeypatch
):
    queued = queued_ids(monkeypatch, DELIVER_TASK)
    supplier = Structure.objects.get(siret=SUPPLIER_SIRET)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/structures/{supplier.pk}/")
    page.get_by_role("link", name="Gérer les webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Notre ERP")
    page.get_by_label("Changement de statut d’une facture").check()
    page.get_by_label("Facture payée (mise en paiement)").check()
    page.get_by_role("button", name="Ajouter le point de réception").click()

    expect(page.get_by_text("il ne sera plus affiché")).to_be_visible()
    secret = page.locator("[data-secret]").inner_text()
    assert secret.startswith("whsec_")
    page.get_by_role("link", name="Je l’ai copié").click()
    expect(page.get_by_role("heading", name=receiver.url)).to_be_visible()
    assert secret not in page.content()

    page.get_by_role("button", name="Envoyer un événement de test").click()
    expect(page.locator("[data-delivery]")).to_have_attribute("data-status", "pending")
    [delivery_id] = queued
    assert delivery_attempt(delivery_id=delivery_id) == "delivered"
    # The list follows the delivery without a reload.
    expect(page.locator("[data-delivery]")).to_have_attribute("data-status", "delivered")
    expect(page.locator("[data-delivery]")).to_contain_text("Remis")
    assert receiver.verified(receiver.requests[0], secret)["type"] == "webhook.ping"

    page.locator("[data-delivery] a").click()
    expect(page.locator("[data-attempt]")).to_have_count(1)
    expect(page.locator("[data-attempt]")).to_contain_text("200")
