"""axe-core finds no serious or critical WCAG A/AA violation on the pages of everyday comfort, in
French, on a desktop and on a phone: dashboards, editor (with a recipient invoiced before and a
saved product), pre-flight recap, invoice page with its step line, saved products and motives,
the validation's confirmation."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import SavedProduct
from invoices.models import ReasonTemplate
from structures.models import Structure
from tests.browser.axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VALIDATOR_SIRET = "11000201100010"


def _clean(page, url: str) -> None:
    page.goto(url)
    expect(page.locator("main")).to_be_visible()
    assert serious_violations(page) == [], url


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_pages_pass_the_accessibility_check(
    width, received_invoices, log_in, live_server, new_page
):
    (invoice,) = received_invoices("F-A11Y-01")
    (to_validate,) = received_invoices(
        "F-A11Y-02",
        status="A_VALIDER_1",
        validator=Structure.objects.get(siret=VALIDATOR_SIRET),
        billing_framework="A9",
    )
    SavedProduct.objects.create(
        supplier=invoice.supplier, label="Maintenance", unit="DAY", unit_price=450
    )
    ReasonTemplate.objects.create(structure=invoice.recipient, label="Bon", text="Bon manquant")
    base = live_server.url

    supplier = new_page(width=width)
    log_in(supplier, "fournisseur")
    _clean(supplier, f"{base}/fournisseur/")
    _clean(supplier, f"{base}/factures/{invoice.pk}/")
    supplier.get_by_role("button", name="Dupliquer").click()
    supplier.wait_for_url(re.compile(r"/modifier/$"))
    assert serious_violations(supplier) == [], supplier.url
    draft_url = supplier.url
    _clean(supplier, draft_url.replace("/modifier/", "/verification/"))
    _clean(supplier, f"{base}/fournisseur/produits/")

    commune = new_page(width=width)
    log_in(commune, "commune")
    _clean(commune, f"{base}/destinataire/")
    _clean(commune, f"{base}/destinataire/motifs/")
    commune.get_by_role("link", name="Modifier Bon").click()
    assert serious_violations(commune) == [], commune.url

    validator = new_page(width=width)
    log_in(validator, "valideur")
    _clean(validator, f"{base}/valideur/")
    _clean(validator, f"{base}/factures/{to_validate.pk}/")
