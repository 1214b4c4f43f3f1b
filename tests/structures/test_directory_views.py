"""GET /structures/annuaire/: the supplier's live search of recipients."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from structures import tasks
from structures.models import ChorusConnection, Structure

COMMUNE = "21750001600019"
LYCEE = "19350936100013"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def search(supplier_client, django_capture_on_commit_callbacks):
    """An htmx search as the live input sends it; enqueued lookups land in `directory_lookups`."""

    def get(q):
        with django_capture_on_commit_callbacks(execute=True):
            return supplier_client.get(reverse("structures:directory"), {"q": q}, headers=HTMX)

    return get


def _run(lookups):
    connection_id, text = lookups[-1][1]
    getattr(tasks, lookups[-1][0])(connection_id, text)


def test_an_invalid_siret_is_refused_at_once_without_calling_chorus_pro(
    supplier_client, search, demo_world, directory_lookups
):
    before = demo_world.calls()["total"]
    response = search("21750001600018")
    assert response.status_code == 200
    assert 'data-outcome="invalid"' in response.text
    assert "every 1s" not in response.text
    assert directory_lookups == []
    assert demo_world.calls()["total"] == before


def test_the_search_polls_while_chorus_pro_is_asked_then_shows_the_result(
    supplier_client, search, directory_lookups, django_capture_on_commit_callbacks
):
    pending = search(LYCEE)
    assert pending.text.lstrip().startswith('<div id="directory-results"')
    assert 'hx-trigger="every 1s"' in pending.text
    assert 'data-outcome="pending"' in pending.text
    assert [name for name, _ in directory_lookups] == ["directory_refresh_structure_task"]

    # A poll before the worker is done enqueues nothing more.
    assert 'data-outcome="pending"' in search(LYCEE).text
    assert len(directory_lookups) == 1

    _run(directory_lookups)
    done = search(LYCEE)
    assert "every 1s" not in done.text
    assert f'data-siret="{LYCEE}"' in done.text


def test_a_fresh_local_copy_is_served_without_asking_chorus_pro(
    supplier_client, search, directory_lookups
):
    search(COMMUNE)
    _run(directory_lookups)
    directory_lookups.clear()
    response = search("217 500 016 00019")
    assert f'data-siret="{COMMUNE}"' in response.text
    assert directory_lookups == []


def test_the_result_shows_the_rules_and_refuses_factures_publiques_to_a_private_supplier(
    supplier_client, search, directory_lookups
):
    search(COMMUNE)
    _run(directory_lookups)
    text = search(COMMUNE).text
    assert 'data-service="SERV_TECH"' in text
    assert 'data-service="SERV_ANCIEN"' not in text
    assert 'data-service="FACTURES_PUBLIQUES" data-disabled="yes"' in text


def test_the_refresh_button_asks_chorus_pro_again_for_a_fresh_structure(
    supplier_client, search, directory_lookups, django_capture_on_commit_callbacks
):
    search(COMMUNE)
    _run(directory_lookups)
    directory_lookups.clear()
    commune = Structure.objects.get(siret=COMMUNE)
    url = reverse("structures:directory_refresh", args=[commune.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(url, headers=HTMX)
    assert 'data-outcome="pending"' in response.text
    assert directory_lookups == [
        ("directory_refresh_structure_task", (directory_lookups[0][1][0], COMMUNE))
    ]
    without_js = supplier_client.post(url)
    assert without_js.status_code == 302
    assert without_js.url.endswith(f"?q={COMMUNE}")


def test_a_name_search_lists_public_structures_to_open(supplier_client, search, directory_lookups):
    assert 'data-outcome="pending"' in search("Lycée").text
    assert [name for name, _ in directory_lookups] == ["directory_search_task"]
    _run(directory_lookups)
    text = search("lycée").text
    assert f'data-siret="{LYCEE}"' in text
    assert f"?q={LYCEE}" in text  # opens the full record


def test_an_unknown_siret_says_so(supplier_client, search, directory_lookups):
    search("73282932000074")
    _run(directory_lookups)
    assert 'data-outcome="not_found"' in search("73282932000074").text


def test_a_supplier_without_technical_account_is_told_so(
    supplier_client, search, directory_lookups
):
    ChorusConnection.objects.filter(structure__siret="12345678200010").delete()
    response = search(LYCEE)
    assert 'data-outcome="error-no_connection"' in response.text
    assert directory_lookups == []


def test_the_full_page_works_without_javascript(supplier_client, search, directory_lookups):
    page = supplier_client.get(reverse("structures:directory"), {"q": LYCEE})
    assert page.status_code == 200
    assert "<form" in page.text and 'name="q"' in page.text
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text


def test_the_directory_belongs_to_the_supplier_space(client, demo_world):
    client.force_login(User.objects.get(username="etat"))
    response = client.get(reverse("structures:directory"))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_an_invalid_siret_message_is_in_french(search):
    # needs locale/pending merged
    text = search("12345").text
    assert "Ce SIRET n’est pas valide" in text
