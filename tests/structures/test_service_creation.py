"""A public structure's manager creates a service in Chorus Pro (Référentiel des Organisations)
from the structure's settings: queued, polled, then listed; refusals in plain words, with what
was typed kept."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Service, Structure
from structures.services import service_create_run
from structures.services.registry_services import CODE_TAKEN, SERVICE_CREATE_TASK
from tests.jobs import queued_args

COMMUNE = "21750001600019"
SUPPLIER = "12345678200010"


@pytest.fixture
def commune(demo_world):
    return Structure.objects.get(siret=COMMUNE)


@pytest.fixture
def manager(client, demo_world, django_user_model):
    client.force_login(django_user_model.objects.get(username="commune"))
    return client


@pytest.fixture
def queued(monkeypatch):
    return queued_args(monkeypatch, SERVICE_CREATE_TASK)


def _page(client, structure, **headers):
    return client.get(reverse("structures:services", args=[structure.pk]), **headers)


def _create(client, structure, htmx=True, **fields):
    data = {"code": "SERV_NUMERIQUE", "label": "Service numérique", **fields}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("structures:services", args=[structure.pk]), data, **headers)


def _run(queued):
    connection_id, request_id = queued[-1]
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    return service_create_run(connection=connection, request_id=request_id)


def _chorus_services(structure):
    connection = ChorusConnection.objects.get(structure=structure)
    with chorus_client_for(connection) as client:
        return {s.code: s for s in client.organisations.structure_services(structure.siret)}


def test_the_manager_creates_a_service_and_chorus_pro_then_reports_it(
    manager, commune, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(manager, commune, commitment_required="on")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-create-state="pending"' in html
    assert 'hx-trigger="every 1s"' in html  # the region polls
    assert 'value="SERV_NUMERIQUE"' in html  # what was typed stays on screen
    assert len(queued) == 1

    assert _run(queued)["ok"]
    html = _page(manager, commune, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-create-state="done"' in html
    assert 'data-service="SERV_NUMERIQUE"' in html
    assert "every 1s" not in html  # polling stops
    service = Service.objects.get(structure=commune, code="SERV_NUMERIQUE")
    assert (service.label, service.is_active, service.commitment_required) == (
        "Service numérique",
        True,
        True,
    )
    # Chorus Pro now reports it with its routing parameter, to the structure and to suppliers.
    created = _chorus_services(commune)["SERV_NUMERIQUE"]
    assert created.commitment_required
    assert created.label == "Service numérique"


def test_a_supplier_finds_the_new_service_in_the_directory(
    manager, commune, queued, django_capture_on_commit_callbacks
):
    from structures.services import directory_refresh_structure

    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune)
    _run(queued)
    Service.objects.filter(code="SERV_NUMERIQUE").delete()
    supplier = ChorusConnection.objects.get(structure__siret=SUPPLIER)
    refreshed = directory_refresh_structure(connection=supplier, siret=COMMUNE)
    assert refreshed.services.get(code="SERV_NUMERIQUE").is_active


def test_a_code_chorus_pro_already_has_is_explained_on_the_field_with_the_typed_values(
    manager, commune, queued, django_capture_on_commit_callbacks
):
    # Known to Chorus Pro, not (yet) to the portal's copy.
    Service.objects.filter(structure=commune, code="SERV_ANCIEN").delete()
    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune, code="SERV_ANCIEN", label="Encore les services techniques")
    outcome = _run(queued)
    assert (outcome["ok"], outcome["field"]) == (False, "code")
    html = _page(manager, commune).content.decode()
    assert escape(gettext(CODE_TAKEN)) in html
    assert html.count('class="field-error"') == 1
    assert 'value="Encore les services techniques"' in html
    assert 'value="SERV_ANCIEN"' in html


def test_chorus_pro_unavailable_is_said_plainly_and_nothing_typed_is_lost(
    demo_world, manager, commune, queued, django_capture_on_commit_callbacks
):
    demo_world.add_fault("http_error", "organisations/v1/services", status=503, count=5)
    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune, description="Pour les factures numériques")
    assert not _run(queued)["ok"]
    html = _page(manager, commune).content.decode()
    assert 'data-create-state="failed"' in html
    assert "Pour les factures numériques" in html
    assert 'value="SERV_NUMERIQUE"' in html
    assert not Service.objects.filter(code="SERV_NUMERIQUE").exists()


def test_it_works_with_the_structures_api_switched_off(
    structures_api_off, manager, commune, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune)
    assert _run(queued)["ok"]
    assert "SERV_NUMERIQUE" in _chorus_services(commune)


def test_a_bad_code_is_refused_in_the_form_before_any_call(manager, commune, queued):
    response = _create(manager, commune, code="serv tech")
    assert queued == []
    assert 'class="field-error"' in response.content.decode()


def test_only_the_managers_of_a_public_structure_reach_the_page(client, demo_world, make_user):
    supplier = Structure.objects.get(siret=SUPPLIER)
    commune = Structure.objects.get(siret=COMMUNE)
    client.force_login(make_user((commune, "recipient_agent")))
    assert _page(client, commune).status_code == 404
    client.force_login(make_user((supplier, "structure_manager")))
    assert _page(client, supplier).status_code == 404


def test_the_structure_page_links_to_the_services_page(manager, commune):
    html = manager.get(reverse("structures:detail", args=[commune.pk])).content.decode()
    assert reverse("structures:services", args=[commune.pk]) in html


def test_a_second_request_while_one_runs_keeps_what_was_typed(
    manager, commune, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune)
    html = _create(manager, commune, code="SERV_SPORT", label="Sports").content.decode()
    assert len(queued) == 1
    assert 'value="SERV_SPORT"' in html
    assert 'class="form-errors"' in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_what_was_typed_comes_back_unchanged_in_both_languages(
    demo_world, manager, commune, queued, language, settings, django_capture_on_commit_callbacks
):
    from tests.html_forms import forms_of

    manager.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    typed = {
        "code": "SERV_NUMERIQUE",
        "label": "Service « numérique » & <co>",
        "description": "Première ligne\nSeconde ligne, été",
        "commitment_required": "on",
    }
    demo_world.add_fault("http_error", "organisations/v1/services", status=503, count=5)
    with django_capture_on_commit_callbacks(execute=True):
        _create(manager, commune, **typed)
    _run(queued)
    page = _page(manager, commune).content.decode()
    [form] = [form for form in forms_of(page) if "code" in form.values()]
    shown = form.values()
    shown.pop("csrfmiddlewaretoken", None)
    assert shown == {name: [value] for name, value in typed.items()}
