"""Support staff look at business records and never change them from the back-office: no add,
no edit, no delete, none in bulk, whatever they POST; only the safe actions act."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from invoices.models import Invoice, InvoiceAction, StatusEvent
from structures.models import ChorusConnection, Membership, Structure

pytestmark = pytest.mark.django_db
BUSINESS_APPS = {"invoices", "structures", "support"}


def _business_models():
    return [model for model in admin.site._registry if model._meta.app_label in BUSINESS_APPS]


@pytest.fixture
def records(make_structure, make_invoice, make_user):
    supplier = make_structure(name="Atelier Test")
    commune = make_structure(name="Mairie de Test", kind=Structure.Kind.PUBLIC)
    invoice = make_invoice(supplier, commune, status="submitted", chorus_invoice_id=8501)
    StatusEvent.objects.create(
        invoice=invoice, status="submitted", source="portal", occurred_at=invoice.created_at
    )
    InvoiceAction.objects.create(invoice=invoice, kind="complete", status="failed")
    make_user((supplier, Membership.Role.SUPPLIER_AGENT))
    connection = ChorusConnection(structure=supplier, environment="emulator", login="TECH_1_a")
    connection.set_password("secret")
    connection.save()
    return invoice


@pytest.mark.parametrize("superuser", [False, True])
def test_nothing_can_be_added_changed_or_deleted(client, agent, records, make_user, superuser):
    user = make_user(username="root", is_staff=True, is_superuser=True) if superuser else agent
    client.force_login(user)
    for model in _business_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        changelist = client.get(reverse(f"{prefix}_changelist"))
        assert changelist.status_code == 200, model
        add = reverse(f"{prefix}_add")
        assert add not in changelist.text, f"{model} offers to add"
        assert 'value="delete_selected"' not in changelist.text, f"{model} offers bulk delete"
        assert client.get(add).status_code == 403
        assert client.post(add, {}).status_code == 403
        row = model.objects.first()
        if row is None:
            continue
        assert client.post(reverse(f"{prefix}_change", args=[row.pk]), {}).status_code == 403
        delete = reverse(f"{prefix}_delete", args=[row.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        client.post(
            reverse(f"{prefix}_changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert model.objects.filter(pk=row.pk).exists(), f"{model} deleted in bulk"


def test_an_invoice_posted_to_its_page_is_left_as_it_was(client, agent, records):
    client.force_login(agent)
    page = reverse("admin:invoices_invoice_change", args=[records.pk])
    response = client.post(page, {"number": "HACK", "total_incl_tax": "1.00", "_save": "1"})
    assert response.status_code == 403
    records.refresh_from_db()
    assert records.number != "HACK" and records.total_incl_tax == Decimal("120.00")
    assert Invoice.objects.count() == 1
    # Its page offers no form field to edit.
    assert 'name="number"' not in client.get(page).text


def test_the_connection_page_never_shows_the_password(client, agent, records):
    client.force_login(agent)
    connection = ChorusConnection.objects.get()
    page = client.get(reverse("admin:structures_chorusconnection_change", args=[connection.pk]))
    assert page.status_code == 200
    assert connection.password_encrypted not in page.text and "secret" not in page.text


def test_people_without_staff_status_have_no_back_office(client, make_user):
    client.force_login(make_user(username="fournisseur"))
    response = client.get(reverse("admin:invoices_invoice_changelist"), follow=True)
    assert response.redirect_chain and "Factures" not in response.text
