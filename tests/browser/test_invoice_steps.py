"""The invoice page's step line, in French, on a desktop and on a phone: a suspended invoice shows
where it stopped and why, in words and signs, the current step marked for screen readers."""

import pytest
from playwright.sync_api import expect

from invoices.sending.status_sync import status_sync_for_connection

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER_SIRET = "12345678200010"


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_suspended_invoice_shows_where_it_stopped(
    width, received_invoices, demo_world, chorus_connection, log_in, live_server, new_page
):
    (invoice,) = received_invoices("F-STEP-01")
    demo_world.set_status(invoice.chorus_invoice_id, "SUSPENDUE", "Bon de commande manquant")
    demo_world.advance(60)
    status_sync_for_connection(connection=chorus_connection(SUPPLIER_SIRET))

    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    line = page.get_by_role("navigation", name="Où en est la facture")
    steps = line.get_by_role("listitem")
    expect(steps).to_have_count(6)
    current = line.locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_contain_text("En traitement")
    expect(current).to_contain_text("suspendue\u00a0: en attente du fournisseur")
    expect(current).to_contain_text("arrêtée ici")
    expect(steps.nth(2)).to_contain_text("Mise à disposition")
    expect(steps.nth(2)).to_contain_text("✓")
    expect(steps.nth(5)).to_contain_text("à venir")
    line.screenshot(path=f"/tmp/screens/steps-{width}.png")
    line.get_by_role("link", name="Voir tout l’historique").click()
    expect(page.locator("#invoice-history")).to_be_in_viewport()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
