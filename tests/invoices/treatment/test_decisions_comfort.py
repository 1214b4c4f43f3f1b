"""Decisions that cannot be taken back look it: the rejection's confirmation and the deletions are
drawn as destructive; saved motives are edited in place, not only deleted."""

import pytest
from django.urls import reverse

from invoices.models import ReasonTemplate
from structures.models import Membership, Structure


@pytest.fixture
def recipient(make_structure):
    return make_structure(name="Commune de Valfleuri", kind=Structure.Kind.PUBLIC)


@pytest.fixture
def recipient_client(client, make_user, recipient):
    client.force_login(make_user((recipient, Membership.Role.RECIPIENT_AGENT)))
    return client


@pytest.fixture
def motive(recipient):
    return ReasonTemplate.objects.create(
        structure=recipient, label="Bon manquant", text="Le bon de commande manque.", use="both"
    )


def test_a_saved_motive_is_edited_in_place(recipient_client, recipient, motive):
    listing = recipient_client.get(reverse("invoices:reason_templates")).text
    edit = reverse("invoices:reason_template_edit", args=[motive.pk])
    assert f'href="{edit}"' in listing
    assert "link-danger" in listing  # deleting looks destructive
    form = recipient_client.get(edit).text
    assert "Le bon de commande manque." in form
    response = recipient_client.post(
        edit,
        {"label": "Bon de commande", "text": "Joignez le bon de commande signé.", "use": "both"},
    )
    assert response.url == reverse("invoices:reason_templates")
    motive.refresh_from_db()
    assert (motive.label, motive.text) == ("Bon de commande", "Joignez le bon de commande signé.")


def test_a_motive_cannot_take_the_label_of_another(recipient_client, recipient, motive):
    ReasonTemplate.objects.create(structure=recipient, label="Montant", text="Erreur", use="both")
    response = recipient_client.post(
        reverse("invoices:reason_template_edit", args=[motive.pk]),
        {"label": "Montant", "text": "Autre", "use": "both"},
    )
    assert response.status_code == 200 and 'role="alert"' in response.text
    motive.refresh_from_db()
    assert motive.label == "Bon manquant"


def test_another_structures_motive_is_out_of_reach(client, make_user, make_structure, motive):
    other = make_structure(kind=Structure.Kind.PUBLIC)
    client.force_login(make_user((other, Membership.Role.RECIPIENT_AGENT)))
    edit = reverse("invoices:reason_template_edit", args=[motive.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"label": "X", "text": "Y", "use": "both"}).status_code == 404
