"""The structure manager's Chorus Pro connection page."""

from datetime import date, timedelta

import pytest
from django.db import connection as db
from django.urls import reverse
from django.utils import timezone

from structures.models import ChorusConnection, Membership
from tests.jobs import queued_ids

ROLE = Membership.Role


@pytest.fixture
def manager_world(make_structure, make_user):
    structure = make_structure(siret="12345678200010", name="Atelier Numérique SAS")
    other = make_structure()
    return {
        "structure": structure,
        "other": other,
        "manager": make_user((structure, ROLE.SUPPLIER_AGENT), (structure, ROLE.STRUCTURE_MANAGER)),
        "agent": make_user((structure, ROLE.SUPPLIER_AGENT)),
        "other_manager": make_user((other, ROLE.STRUCTURE_MANAGER)),
    }


def _form(**fields):
    data = {
        "environment": "emulator",
        "login": "TECH_1_12345678200010@cpro.fr",
        "password": "Demo-Fournisseur-2026",
        "password_expires_on": "",
    }
    data.update(fields)
    return data


def _url(structure):
    return reverse("structures:connection", args=[structure.pk])


def _existing_connection(structure, *, login="T@cpro.fr", password="Some-Password-1", **fields):
    existing = ChorusConnection(structure=structure, environment="emulator", login=login, **fields)
    existing.set_password(password)
    existing.save()
    return existing


def test_a_manager_sets_the_connection_and_the_password_is_stored_encrypted(
    client, manager_world, django_capture_on_commit_callbacks, monkeypatch
):
    from structures import tasks

    refreshes = queued_ids(monkeypatch, tasks.OWN_STRUCTURE_REFRESH_TASK)
    client.force_login(manager_world["manager"])
    structure = manager_world["structure"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(structure), _form(password_expires_on="2027-01-31"))
    assert response.status_code == 302
    assert response.url == _url(structure)
    stored = ChorusConnection.objects.get(structure=structure)
    # The supplier's own structure (Chorus Pro id, bank accounts) is read in the background.
    assert refreshes == [stored.pk]
    assert stored.login == "TECH_1_12345678200010@cpro.fr"
    assert stored.password() == "Demo-Fournisseur-2026"
    assert stored.password_expires_on == date(2027, 1, 31)
    with db.cursor() as cursor:
        cursor.execute("SELECT password_encrypted FROM structures_chorusconnection")
        assert "Demo-Fournisseur-2026" not in cursor.fetchone()[0]
    page = client.get(_url(structure))
    assert "Demo-Fournisseur-2026" not in page.text


def test_an_empty_password_on_edit_keeps_the_stored_one(client, manager_world):
    structure = manager_world["structure"]
    existing = _existing_connection(structure, login="OLD@cpro.fr", password="Kept-Password-1")
    client.force_login(manager_world["manager"])
    response = client.post(_url(structure), _form(login="NEW@cpro.fr", password=""))
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.login == "NEW@cpro.fr"
    assert existing.password() == "Kept-Password-1"


def test_bad_input_is_shown_in_place_and_keeps_what_was_typed(client, manager_world):
    client.force_login(manager_world["manager"])
    structure = manager_world["structure"]
    response = client.post(
        _url(structure), _form(login="TECH_1_typed@cpro.fr", password_expires_on="31/02/2027")
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"password_expires_on"}
    assert 'value="TECH_1_typed@cpro.fr"' in response.text
    assert "Demo-Fournisseur-2026" not in response.text  # never rendered back
    assert not ChorusConnection.objects.exists()


def test_a_new_connection_needs_a_password(client, manager_world):
    client.force_login(manager_world["manager"])
    response = client.post(_url(manager_world["structure"]), _form(password=""))
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_an_environment_without_piste_application_is_refused_in_the_form(
    client, manager_world, settings
):
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "production": {**settings.CHORUS_ENDPOINTS["production"], "client_id": ""},
    }
    client.force_login(manager_world["manager"])
    response = client.post(_url(manager_world["structure"]), _form(environment="production"))
    assert response.status_code == 200
    assert "environment" in response.context["form"].errors


def test_the_form_error_comes_back_as_the_form_partial_for_htmx(client, manager_world):
    client.force_login(manager_world["manager"])
    response = client.post(
        _url(manager_world["structure"]), _form(password=""), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="connection-form"')


@pytest.mark.parametrize("who", ["agent", "other_manager"])
def test_a_non_manager_or_a_manager_of_another_structure_gets_404(client, manager_world, who):
    client.force_login(manager_world[who])
    structure = manager_world["structure"]
    assert client.get(_url(structure)).status_code == 404
    assert client.post(_url(structure), _form()).status_code == 404
    test_url = reverse("structures:connection_test", args=[structure.pk])
    assert client.post(test_url).status_code == 404
    assert not ChorusConnection.objects.exists()


def test_the_test_button_enqueues_and_the_region_polls_until_the_report(
    client, manager_world, django_capture_on_commit_callbacks, monkeypatch
):
    from structures import tasks

    structure = manager_world["structure"]
    existing = _existing_connection(structure)
    queued = queued_ids(monkeypatch, tasks.CONNECTION_TEST_TASK)
    client.force_login(manager_world["manager"])
    test_url = reverse("structures:connection_test", args=[structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(test_url, headers={"HX-Request": "true"})
    assert queued == [existing.pk]
    assert 'hx-trigger="every 1s"' in response.text
    assert 'data-test-state="pending"' in response.text

    # The worker writes the report; the next poll shows it and stops polling.
    report = [
        {
            "link": "technical_account",
            "label": "Technical account",
            "ok": False,
            "state": "failed",
            "message": "Chorus Pro refused the technical account.",
            "advice": "Renew it.",
            "technical_detail": "HTTP 401",
        }
    ]
    ChorusConnection.objects.filter(pk=existing.pk).update(
        last_test_report=report, last_tested_at=timezone.now()
    )
    poll = client.get(_url(structure), headers={"HX-Request": "true"})
    assert "every 1s" not in poll.text
    assert 'data-link="technical_account"' in poll.text
    assert 'data-ok="no"' in poll.text


def test_without_javascript_the_test_button_redirects_to_the_page(
    client, manager_world, monkeypatch
):
    from structures import tasks

    queued_ids(monkeypatch, tasks.CONNECTION_TEST_TASK)
    structure = manager_world["structure"]
    _existing_connection(structure)
    client.force_login(manager_world["manager"])
    response = client.post(reverse("structures:connection_test", args=[structure.pk]))
    assert response.status_code == 302
    assert response.url == _url(structure)


@pytest.mark.parametrize(("days", "css"), [(10, "message-warning"), (-2, "message-error")])
def test_the_password_warning_shows_on_the_structure_and_connection_pages(
    client, manager_world, days, css
):
    structure = manager_world["structure"]
    _existing_connection(structure, password_expires_on=timezone.localdate() + timedelta(days=days))
    client.force_login(manager_world["manager"])
    for url in (reverse("structures:detail", args=[structure.pk]), _url(structure)):
        page = client.get(url)
        assert f'class="message {css}" role="alert"' in page.text, url


def test_no_warning_when_the_password_expires_beyond_the_warning_window(client, manager_world):
    structure = manager_world["structure"]
    _existing_connection(structure, password_expires_on=timezone.localdate() + timedelta(days=31))
    client.force_login(manager_world["manager"])
    assert 'role="alert"' not in client.get(_url(structure)).text


def test_the_connection_page_is_in_french_by_default(client, manager_world):
    # needs locale/pending merged
    structure = manager_world["structure"]
    _existing_connection(structure)
    client.force_login(manager_world["manager"])
    assert "Tester la connexion" in client.get(_url(structure)).text
