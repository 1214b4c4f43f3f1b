"""Every list reads on a phone (390 px wide): no sideways scrolling, and each row shows its
number, counterpart, amount and status without scrolling anything."""

import pytest
from django.contrib.auth.models import User

from invoices.models import Flow, Notification
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = 390
VALIDATOR_SIRET = "11000201100010"
# What a cell must show, and whether it is drawn where it is: not pushed out of the screen nor
# hidden by a table that scrolls inside its box (the old layout scrolled there).
SHOWN_IN_PLACE = """el => {
  const box = el.getBoundingClientRect();
  window.scrollTo(0, window.scrollY + box.top - 100);
  const rect = el.getBoundingClientRect();
  const line = el.getClientRects()[0];  // a link on two lines has a gap in its middle
  const hit = document.elementFromPoint(line.left + line.width / 2, line.top + line.height / 2);
  return {left: rect.left, right: rect.right, drawn: el.contains(hit), text: el.innerText};
}"""


def assert_readable(page, row: str, cells: dict[str, str]) -> None:
    width = page.evaluate("innerWidth")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width, page.url
    first = page.locator(row).first
    for name, selector in cells.items():
        shown = first.locator(selector).first.evaluate(SHOWN_IN_PLACE)
        assert shown["left"] >= 0 and shown["right"] <= width, (page.url, name, shown)
        assert shown["drawn"], (page.url, name, shown)


# Cells by their place in the row (the same in the desktop table): number, counterpart, amount
# including VAT, status.
INVOICE_ROW = {
    "number": "td a",
    "counterpart": "td:nth-last-child(6)",
    "amount": "td:nth-last-child(2)",
    "status": "td:last-child .badge",
}


def test_the_invoice_lists_and_notifications_read_on_a_phone(
    received_invoices, log_in, live_server, new_page
):
    first, _second = received_invoices("F-PHONE-01", "F-PHONE-02")
    Notification.objects.create(
        user=User.objects.get(username="commune"),
        invoice=first,
        message="Nouvelle facture F-PHONE-01 de Atelier Numérique SAS.",
    )
    supplier = new_page(width=PHONE)
    log_in(supplier, "fournisseur")
    supplier.goto(f"{live_server.url}/fournisseur/")
    assert_readable(supplier, ".invoice-list tbody tr", INVOICE_ROW)
    amount = supplier.locator(".invoice-list tbody td:nth-last-child(2)").first
    assert amount.inner_text().endswith("EUR")
    supplier.screenshot(path="/tmp/screens/phone-supplier.png", full_page=True)

    commune = new_page(width=PHONE)
    log_in(commune, "commune")
    commune.goto(f"{live_server.url}/destinataire/")
    assert_readable(commune, ".invoice-list tbody tr", {**INVOICE_ROW, "select": "input"})
    commune.screenshot(path="/tmp/screens/phone-inbox.png", full_page=True)
    commune.goto(f"{live_server.url}/notifications/")
    assert_readable(
        commune,
        ".notification-list li",
        {
            "number": ".notification-number",
            "counterpart": ".notification-party",
            "amount": ".notification-amount",
            "status": ".notification-invoice .badge",
        },
    )


def test_the_validator_queue_reads_on_a_phone(received_invoices, log_in, live_server, new_page):
    received_invoices(
        "F-PHONE-11",
        status="A_VALIDER_1",
        validator=Structure.objects.get(siret=VALIDATOR_SIRET),
        billing_framework="A9",
    )
    page = new_page(width=PHONE)
    log_in(page, "valideur")
    page.goto(f"{live_server.url}/valideur/")
    assert_readable(page, ".invoice-list tbody tr", INVOICE_ROW)


def test_the_deposited_files_read_on_a_phone(demo_world, log_in, live_server, new_page):
    supplier = Structure.objects.get(siret="12345678200010")
    Flow.objects.create(
        supplier=supplier,
        file="flows/cii_lot_factures_20261129.tar.gz",
        name="cii_lot_factures_20261129.tar.gz",
        syntax="IN_DP_E1_CII_16B",
        size=1234,
        sha256="0" * 64,
        status=Flow.Status.INTEGRATED,
        chorus_flow_number="CPP0000000000000000001001",
        file_names=[{"name": "facture-mars-001.xml"}, {"name": "facture-mars-002.xml"}],
    )
    page = new_page(width=PHONE)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/fournisseur/flux/")
    assert_readable(page, "#flows tbody tr", {"files": "td a", "status": "td:last-child .badge"})
    assert "facture-mars-001.xml" in page.locator("#flows tbody td").first.inner_text()
