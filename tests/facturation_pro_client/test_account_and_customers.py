"""Account, firms and customers, read through the client over HTTP."""

from datetime import date

import pytest

from facturation_pro_client import (
    CustomerFilters,
    CustomerMode,
    CustomerOrder,
    FacturationProNotFoundError,
    SortDirection,
)
from tests.facturation_pro_client.conftest import (
    ARCHIVED,
    ATELIER_FIRM,
    BOULANGERIE,
    CLAIRE_DUBOIS,
    COMMUNE,
    DRFIP,
    LYCEE,
    STUDIO,
    UNIVERSITE,
)


def test_account_names_the_user_and_its_firms(client):
    account = client.account()

    assert account.id == 7301
    assert account.email == "compta@atelier-numerique.test"
    assert [(firm.id, firm.name) for firm in account.firms] == [
        (ATELIER_FIRM, "Atelier Numérique SAS")]
    assert account.firm(ATELIER_FIRM).name == "Atelier Numérique SAS"
    assert account.firm(48202) is None


def test_account_needs_no_firm(make_client):
    assert make_client(firm_id=None).account().firms


def test_firm_calls_refuse_to_run_without_a_firm(make_client, fpro):
    with pytest.raises(ValueError, match="firm_id"):
        make_client(firm_id=None).list_customers()
    assert fpro.calls()["total"] == 0


def test_customers_are_the_active_ones_by_short_name(client):
    page = client.list_customers()

    names = [customer.short_name for customer in page.items]
    assert names == sorted(names, key=str.casefold)
    assert ARCHIVED not in [customer.id for customer in page.items]
    assert (page.page, page.pages, page.page_size, page.total) == (1, 1, 50, 7)


def test_a_public_customer_carries_its_siret(client):
    commune = client.get_customer(COMMUNE)

    assert commune.display_name == "Commune de Villeneuve"
    assert (commune.siret, commune.siret_digits) == ("21750001600019", "21750001600019")
    assert (commune.street, commune.zip_code, commune.city, commune.country) == (
        "1 place de la Mairie", "75001", "Villeneuve", "FR")
    assert commune.individual is False
    assert commune.last_invoiced_on == date(2026, 11, 20)
    assert commune.last_paid_on == date(2026, 7, 20)
    assert commune.created_at.year == 2025


def test_private_customers_have_no_siret_or_a_private_one(client):
    person = client.get_customer(CLAIRE_DUBOIS)
    studio = client.get_customer(STUDIO)
    bakery = client.get_customer(BOULANGERIE)

    assert (person.individual, person.siret, person.display_name) == (
        True, None, "Claire Dubois")
    assert studio.siret is None and studio.siret_digits is None
    assert bakery.siret_digits == "81234567600017"
    assert bakery.vat_number == "FR19812345676"


def test_customer_filters_reach_the_server(client):
    def ids(**filters):
        return [c.id for c in client.list_customers(CustomerFilters(**filters)).items]

    assert ids(company="universite") == [UNIVERSITE]  # partial, accents and case ignored
    assert ids(mode=CustomerMode.ARCHIVED) == [ARCHIVED]
    assert ids(mode=CustomerMode.INDIVIDUAL) == [CLAIRE_DUBOIS]
    assert ARCHIVED in ids(mode=CustomerMode.ALL)
    assert ids(last_name="dubois") == [CLAIRE_DUBOIS]
    assert ids(email="lycee-jean-moulin") == [LYCEE]
    newest_invoice_first = ids(order=CustomerOrder.LAST_INVOICE, sort=SortDirection.DESC)
    assert newest_invoice_first[:2] == [COMMUNE, DRFIP]


def test_iter_customers_walks_every_page(client, fpro, recorded):
    fpro.configure(per_page=3)

    customers = list(client.iter_customers())

    assert len(customers) == 7 and len({c.id for c in customers}) == 7
    assert [e.path for e in recorded.exchanges] == [
        "/firms/48201/customers.json", "/firms/48201/customers.json?page=2",
        "/firms/48201/customers.json?page=3"]


def test_another_firms_customer_is_not_found(client):
    with pytest.raises(FacturationProNotFoundError) as caught:
        client.get_customer(320001)  # Bureau Fournitures' own record of the Commune

    assert caught.value.http_status == 404
    assert caught.value.operation == "GET /firms/FIRM_ID/customers/ID.json"
