"""The dashboards in French, on a desktop and on a phone: Chart.js draws from our static files
under the page's CSP (the console stays clean), each chart has its table, nothing scrolls
sideways, and the figures say what needs doing."""

import pytest
from playwright.sync_api import expect

from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VALIDATOR_SIRET = "11000201100010"
DRAWN = "canvas => !!Chart.getChart(canvas) && canvas.width > 0 && canvas.height > 0"


def _charts_drawn(page, width: int) -> None:
    canvases = page.locator("canvas[data-chart]")
    expect(canvases.first).to_be_visible()
    for index in range(canvases.count()):
        assert canvases.nth(index).evaluate(DRAWN)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_each_space_opens_on_its_dashboard(width, received_invoices, log_in, live_server, new_page):
    received_invoices("F-DASH-01", "F-DASH-02")
    received_invoices(
        "F-DASH-03",
        status="A_VALIDER_1",
        validator=Structure.objects.get(siret=VALIDATOR_SIRET),
        billing_framework="A9",
    )

    supplier = new_page(width=width)
    log_in(supplier, "fournisseur")
    supplier.goto(f"{live_server.url}/fournisseur/")
    dashboard = supplier.locator("[data-dashboard=supplier]")
    expect(dashboard).to_contain_text("En un coup d’œil")
    expect(dashboard).to_contain_text("Rien ne vous attend")
    _charts_drawn(supplier, width)
    dashboard.get_by_text("Les chiffres en tableau").first.click()
    expect(dashboard.locator("details[open] table")).to_contain_text("Montant envoyé")
    supplier.screenshot(path=f"/tmp/screens/dashboard-supplier-{width}.png", full_page=True)

    commune = new_page(width=width)
    log_in(commune, "commune")
    commune.goto(f"{live_server.url}/destinataire/")
    dashboard = commune.locator("[data-dashboard=recipient]")
    expect(dashboard.locator("[data-figure=new]")).to_contain_text("2")
    expect(dashboard.locator("[data-figure=to-pay]")).to_contain_text("à payer (2 factures)")
    _charts_drawn(commune, width)
    commune.screenshot(path=f"/tmp/screens/dashboard-recipient-{width}.png", full_page=True)

    validator = new_page(width=width)
    log_in(validator, "valideur")
    validator.goto(f"{live_server.url}/valideur/")
    dashboard = validator.locator("[data-dashboard=validator]")
    expect(dashboard.locator("[data-figure=waiting]")).to_contain_text(
        "1 facture attend votre validation"
    )
    _charts_drawn(validator, width)
