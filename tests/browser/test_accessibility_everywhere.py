"""axe-core finds no serious or critical WCAG A/AA violation on any page of any space, in
French, on a desktop and on a phone: beyond the everyday pages (test_accessibility.py), every
page a demo user reaches from the menus (the structure's pages, people, keys, webhooks, services,
deposits, downloads, notifications, the account, works) and the login page."""

import pytest
from playwright.sync_api import expect

from invoices.models import WorksContract
from structures.models import Structure
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER_SIRET, COMMUNE_SIRET = "12345678200010", "21750001600019"


def _violations(page, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        page.goto(url)
        expect(page.locator("main")).to_be_visible()
        if problems := serious_violations(page):
            found[url] = problems
    return found


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_every_page_of_every_space_passes_the_accessibility_check(
    width, demo_world, log_in, live_server, new_page
):
    base = live_server.url
    supplier = Structure.objects.get(siret=SUPPLIER_SIRET).pk
    commune = Structure.objects.get(siret=COMMUNE_SIRET).pk
    contract = WorksContract.objects.first()
    found = {}

    anonymous = new_page(width=width)
    found |= _violations(anonymous, [f"{base}/connexion/", f"{base}/mot-de-passe/oubli/"])

    page = new_page(width=width)
    log_in(page, "fournisseur")
    found |= _violations(
        page,
        [
            f"{base}/fournisseur/flux/",
            f"{base}/fournisseur/flux/deposer/",
            f"{base}/fournisseur/logiciel-de-facturation/",
            f"{base}/notifications/",
            f"{base}/telechargements/",
            f"{base}/compte/",
            f"{base}/compte/double-authentification/",
            f"{base}/structures/annuaire/",
            f"{base}/structures/{supplier}/",
            f"{base}/structures/{supplier}/chorus-pro/",
            f"{base}/structures/{supplier}/membres/",
            f"{base}/structures/{supplier}/journal/",
            f"{base}/structures/{supplier}/cles-api/",
            f"{base}/structures/{supplier}/webhooks/",
        ],
    )

    page = new_page(width=width)
    log_in(page, "commune")
    found |= _violations(
        page,
        [
            f"{base}/structures/{commune}/services/",
            f"{base}/travaux/",
            f"{base}/travaux/marches/{contract.pk}/",
            f"{base}/travaux/a-traiter/",
        ],
    )

    page = new_page(width=width)
    log_in(page, "moe")
    found |= _violations(page, [f"{base}/moe/", f"{base}/travaux/marches/{contract.pk}/"])

    assert found == {}
