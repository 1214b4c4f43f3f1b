"""One search box: an invoice by its number, Chorus Pro id, flow number, a party's SIRET or name,
or its amount; structures by SIRET or name; people by login or e-mail."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.support.search import amount_typed
from structures.models import Membership, Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_structure, make_invoice, make_user):
    supplier = make_structure(name="Atelier Numérique Test")
    commune = make_structure(name="Commune de Sainte-Élise", kind=Structure.Kind.PUBLIC)
    other = make_structure(name="Bureau Autre")
    invoice = make_invoice(
        supplier,
        commune,
        number="F-2026-0777",
        status="submitted",
        chorus_invoice_id=8430777,
        chorus_flow_number="CPP7770001",
        total_excl_tax=Decimal("1372.00"),
        total_vat=Decimal("274.38"),
        total_incl_tax=Decimal("1646.38"),
        amount_due=Decimal("1646.38"),
    )
    elsewhere = make_invoice(other, commune, number="B-2026-0001")
    make_user(
        (supplier, Membership.Role.SUPPLIER_AGENT), username="claire.durand", first_name="Claire"
    )
    return {"invoice": invoice, "elsewhere": elsewhere, "supplier": supplier, "commune": commune}


def _search(client, query):
    return client.get(reverse("admin:support_search"), {"q": query})


def _overview(invoice):
    return reverse("admin:invoices_invoice_change", args=[invoice.pk])


@pytest.mark.parametrize("query", ["F-2026-0777", "f-2026-0777 ", "8430777", "CPP7770001"])
def test_an_invoice_number_or_chorus_pro_reference_opens_the_invoice(agent_client, world, query):
    response = _search(agent_client, query)
    assert response.status_code == 302 and response.url == _overview(world["invoice"])


@pytest.mark.parametrize("query", ["1 646,38", "1646.38", "1 646,38 €", "1.646,38"])
def test_an_amount_finds_the_invoice(agent_client, world, query):
    response = _search(agent_client, query)
    assert response.url == _overview(world["invoice"])


def test_a_supplier_siret_finds_its_invoices_and_the_structure(agent_client, world):
    page = _search(agent_client, world["supplier"].siret)
    assert page.status_code == 200
    assert "F-2026-0777" in page.text and "B-2026-0001" not in page.text
    assert reverse("admin:structures_structure_change", args=[world["supplier"].pk]) in page.text


def test_a_recipient_name_without_accents_finds_every_invoice_it_received(agent_client, world):
    page = _search(agent_client, "sainte elise")
    assert "F-2026-0777" in page.text and "B-2026-0001" in page.text
    assert "Commune de Sainte-Élise" in page.text


def test_people_are_found_by_login_or_e_mail(agent_client, world):
    for query in ("claire.durand", "claire.durand@example"):
        page = _search(agent_client, query)
        assert "claire.durand" in page.text and "Atelier Numérique Test" in page.text


def test_nothing_found_says_so(agent_client, world):
    page = _search(agent_client, "ZZZ-introuvable")
    assert page.status_code == 200 and "data-search-empty" in page.text


def test_the_search_box_is_on_every_back_office_page(agent_client, world):
    for url in (
        reverse("admin:index"),
        _overview(world["invoice"]),
        reverse("admin:support_health"),
    ):
        assert 'action="{}"'.format(reverse("admin:support_search")) in agent_client.get(url).text


@pytest.mark.parametrize(
    "typed, value",
    [("1 764,00", "1764.00"), ("1,764.50", "1764.50"), ("12,5", "12.5"), ("F-12", None)],
)
def test_amounts_are_read_as_people_type_them(typed, value):
    assert amount_typed(typed) == (Decimal(value) if value else None)
