"""In Chromium: the Commune's manager creates a service in Chorus Pro from the structure's
settings; the page waits for the worker without a reload, then lists it. A refusal keeps what
was typed."""

import pytest
from playwright.sync_api import expect

from structures.models import ChorusConnection, Service, Structure
from structures.services import service_create_run, service_create_state
from structures.services.registry_services import SERVICE_CREATE_TASK
from tests.jobs import queued_args

pytestmark = [pytest.mark.browser, pytest.mark.slow]
COMMUNE = "21750001600019"


def _run_the_worker(queued) -> None:
    connection_id, request_id = queued[-1]
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    service_create_run(connection=connection, request_id=request_id)


def test_the_manager_creates_a_service_and_sees_it_listed(
    transactional_db, demo_world, live_server, page, log_in, monkeypatch
):
    queued = queued_args(monkeypatch, SERVICE_CREATE_TASK)
    commune = Structure.objects.get(siret=COMMUNE)
    log_in(page, "commune")
    page.goto(f"{live_server.url}/structures/{commune.pk}/services/")
    page.locator("#id_code").fill("SERV_NUMERIQUE")
    page.locator("#id_label").fill("Service numérique")
    page.locator("#id_commitment_required").check()
    page.locator("#service-create button[type=submit]").click()

    expect(page.locator("[data-create-state=pending]")).to_be_visible()
    expect(page.locator("#id_code")).to_have_value("SERV_NUMERIQUE")
    assert service_create_state(structure=commune)["state"] == "pending"
    _run_the_worker(queued)

    # The page polls: no reload.
    expect(page.locator("[data-create-state=done]")).to_be_visible()
    expect(page.locator('[data-service="SERV_NUMERIQUE"]')).to_be_visible()
    assert Service.objects.get(structure=commune, code="SERV_NUMERIQUE").commitment_required


def test_a_code_chorus_pro_already_has_keeps_what_was_typed(
    transactional_db, demo_world, live_server, page, log_in, monkeypatch
):
    queued = queued_args(monkeypatch, SERVICE_CREATE_TASK)
    commune = Structure.objects.get(siret=COMMUNE)
    Service.objects.filter(structure=commune, code="SERV_ANCIEN").delete()
    log_in(page, "commune")
    page.goto(f"{live_server.url}/structures/{commune.pk}/services/")
    page.locator("#id_code").fill("SERV_ANCIEN")
    page.locator("#id_label").fill("Encore les services techniques")
    page.locator("#service-create button[type=submit]").click()
    expect(page.locator("[data-create-state=pending]")).to_be_visible()
    _run_the_worker(queued)

    expect(page.locator(".field-code .field-error, #service-create .field-error")).to_be_visible()
    expect(page.locator("#id_code")).to_have_value("SERV_ANCIEN")
    expect(page.locator("#id_label")).to_have_value("Encore les services techniques")
