"""A repeat invoice to a known buyer, in French, on a desktop and on a phone: duplicated from the
last one, its number and date offered, a saved product added as a line, the recipient invoiced
before picked in one click."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import SavedProduct
from invoices.models import Invoice

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_repeat_invoice_is_typed_in_a_few_clicks(
    width, send_invoice, log_in, live_server, new_page
):
    last = send_invoice("F-2026-0100", description="Maintenance mensuelle")
    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/factures/{last.pk}/")
    page.get_by_role("button", name="Dupliquer").click()
    page.wait_for_url(re.compile(r"/modifier/$"))
    expect(page.get_by_label("Numéro de facture")).to_have_value("F-2026-0101")
    expect(page.locator("#lines .line-description input").first).to_have_value(
        "Maintenance mensuelle"
    )
    copy = Invoice.objects.get(number="F-2026-0101")
    assert copy.recipient == last.recipient and copy.service == last.service

    # The line saved as a product, then added again from the list.
    page.get_by_role("button", name="Enregistrer comme produit (ligne 1)").click()
    expect(page.locator("[data-product-saved]")).to_contain_text("Maintenance mensuelle")
    page.get_by_role("button", name="Ajouter comme ligne").click()
    expect(page.locator("#lines .line")).to_have_count(2)
    expect(page.locator("#lines .line-description input").nth(1)).to_have_value(
        "Maintenance mensuelle"
    )
    expect(page.locator('[data-total="excl"]')).to_contain_text("1\u202f350,00")
    assert SavedProduct.objects.get().label == "Maintenance mensuelle"

    # A new invoice: today's date, the next number, the Commune offered first with its service.
    page.goto(f"{live_server.url}/fournisseur/")
    page.get_by_role("button", name=re.compile("^Nouvelle facture")).first.click()
    page.wait_for_url(re.compile(r"/modifier/$"))
    expect(page.get_by_label("Numéro de facture")).to_have_value("F-2026-0102")
    recent = page.locator("#recent-recipients")
    recent.get_by_role("button", name=re.compile("SERV_TECH")).click()
    expect(page.locator("#recipient-results")).to_contain_text("est désormais le destinataire")
    expect(page.locator("#id_service_code")).to_have_value("SERV_TECH")
    wide = page.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 1)
        .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className)""",
        width,
    )
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, wide
    page.screenshot(path=f"/tmp/screens/repeat-invoice-{width}.png", full_page=True)
