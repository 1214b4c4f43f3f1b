"""The recipient picker in the invoice editor: live search by SIRET or name against Chorus Pro
(a worker asks, the page polls), rules shown, a pick sets the recipient and its services."""

import pytest
from django.urls import reverse

from invoices.models import Invoice
from structures import tasks
from structures.models import Structure

LYCEE = "19350936100013"
COMMUNE = "21750001600019"
DRFIP = "13000261100015"
SUPPLIER = "12345678200010"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(supplier_client):
    supplier_client.post(reverse("invoices:draft_new"))
    return Invoice.objects.get(supplier__siret=SUPPLIER)


@pytest.fixture
def search(supplier_client, draft, django_capture_on_commit_callbacks):
    def get(q):
        with django_capture_on_commit_callbacks(execute=True):
            return supplier_client.get(
                reverse("invoices:recipient_search", args=[draft.pk]), {"q": q}, headers=HTMX
            )

    return get


def _run(lookups):
    name, args = lookups[-1]
    getattr(tasks, name)(*args)


def test_an_invalid_siret_is_refused_before_any_call_to_chorus_pro(
    search, demo_world, directory_lookups
):
    before = demo_world.calls()["total"]
    response = search("19350936100014")
    assert 'data-outcome="invalid"' in response.text
    assert "Ce SIRET n’est pas valide" in response.text
    assert directory_lookups == [] and demo_world.calls()["total"] == before


def test_a_siret_search_polls_then_shows_the_rules_and_a_choose_button(
    search, directory_lookups, draft
):
    pending = search(LYCEE)
    assert pending.text.lstrip().startswith('<div id="recipient-results"')
    assert 'hx-trigger="every 1s"' in pending.text
    assert [name for name, _ in directory_lookups] == ["directory_refresh_structure_task"]

    _run(directory_lookups)
    done = search(LYCEE)
    assert "every 1s" not in done.text
    assert f'data-siret="{LYCEE}"' in done.text
    assert "Lycée Jean Moulin" in done.text
    assert "rien de plus que les données habituelles" in done.text
    pick = reverse("invoices:recipient_pick", args=[draft.pk])
    assert f'action="{pick}"' in done.text


def test_a_name_search_lists_structures_whose_rules_are_read_on_demand(search, directory_lookups):
    search("Université")
    _run(directory_lookups)
    done = search("Université")
    assert "Université de Sainte-Marie" in done.text
    # Rules are only known once the structure is read in full: the result offers that first.
    assert "Voir ses règles et ses services" in done.text


def test_picking_a_recipient_sets_it_and_shows_its_rules_and_services(
    supplier_client, draft, demo_world
):
    commune = Structure.objects.get(siret=COMMUNE)
    response = supplier_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]),
        {"recipient_id": commune.pk},
        headers=HTMX,
    )
    draft.refresh_from_db()
    assert draft.recipient == commune
    text = response.text
    assert 'data-outcome="picked"' in text
    # The header's SIRET field, the rules and the service list are swapped in.
    assert f'value="{COMMUNE}"' in text
    assert "Ce destinataire exige un code service." in text
    assert '<option value="SERV_TECH"' in text
    assert '<option value="SERV_ANCIEN"' not in text
    assert '<option value="FACTURES_PUBLIQUES" disabled>' in text


def test_picking_replaces_a_wrong_siret_that_was_typed(supplier_client, draft, demo_world):
    supplier_client.post(
        reverse("invoices:draft_save", args=[draft.pk]),
        {
            "kind": "invoice",
            "billing_framework": "A1",
            "vat_regime": "on_debits",
            "recipient_siret": "123",
        },
        headers=HTMX,
    )
    draft.refresh_from_db()
    assert draft.draft_input["recipient_siret"] == "123"
    commune = Structure.objects.get(siret=COMMUNE)
    supplier_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]), {"recipient_id": commune.pk}
    )
    draft.refresh_from_db()
    assert draft.recipient == commune and "recipient_siret" not in draft.draft_input


def test_a_private_company_cannot_be_picked(supplier_client, draft):
    supplier = Structure.objects.get(siret=SUPPLIER)
    response = supplier_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]), {"recipient_id": supplier.pk}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.recipient is None


def test_the_picker_works_without_javascript(
    supplier_client, draft, directory_lookups, django_capture_on_commit_callbacks
):
    edit = reverse("invoices:edit", args=[draft.pk])
    page = supplier_client.get(edit)
    assert f'action="{edit}#recipient-picker"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        pending = supplier_client.get(edit, {"q": COMMUNE})
    assert "Actualiser la page" in pending.text
    _run(directory_lookups)
    page = supplier_client.get(edit, {"q": COMMUNE})
    assert f'data-siret="{COMMUNE}"' in page.text
    commune = Structure.objects.get(siret=COMMUNE)
    response = supplier_client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]), {"recipient_id": commune.pk}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.recipient == commune


def test_another_supplier_cannot_pick_for_the_draft(client, make_user, make_structure, draft):
    from structures.models import Membership

    client.force_login(make_user((make_structure(), Membership.Role.SUPPLIER_AGENT)))
    commune = Structure.objects.get(siret=COMMUNE)
    response = client.post(
        reverse("invoices:recipient_pick", args=[draft.pk]), {"recipient_id": commune.pk}
    )
    assert response.status_code == 404
