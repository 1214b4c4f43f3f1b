"""The commitment of an invoice on its page, in the browser and in French, against the emulator:
the panel loads in the background, then shows the commitment's status, what earlier invoices
consumed and what this invoice leaves."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.commitments.reading import commitment_reading_refresh
from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.sending.submission import invoice_send
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER_SIRET = "12345678200010"
DRFIP_SIRET = "13000261100015"
NBSP = "\u00a0"


@pytest.fixture
def charged(transactional_db, demo_world):
    """10 days of maintenance (5 400,00 incl. VAT) sent to the Direction régionale on the
    commitment EJ-2026-0001: 12 000,00, of which 4 500,00 consumed by earlier invoices."""
    invoice = Invoice.objects.create(
        supplier=Structure.objects.get(siret=SUPPLIER_SIRET),
        recipient=Structure.objects.get(siret=DRFIP_SIRET),
        number="F-WEB-EJ-01",
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        commitment_number="EJ-2026-0001",
        status=Invoice.Status.QUEUED,
        created_by=User.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(10),
        unit_price=Decimal("450.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    invoice.refresh_from_db()
    return invoice


def test_a_supplier_sees_the_commitment_status_consumed_and_remaining(
    charged, log_in, live_server, page, chorus_connection
):
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/factures/{charged.pk}/")

    panel = page.locator("#commitment-panel")
    expect(panel).to_have_attribute("data-commitment", "loading")
    # The worker's part: read the commitment with the supplier's account (no request waits on
    # Chorus Pro); the panel's next poll shows it.
    connection = chorus_connection(SUPPLIER_SIRET)
    commitment_reading_refresh(connection_id=connection.pk, invoice_id=charged.pk)

    expect(panel).to_have_attribute("data-commitment", "found", timeout=10_000)
    expect(panel).to_contain_text("EJ-2026-0001")
    expect(panel.locator("[data-commitment-status]")).to_have_attribute(
        "data-commitment-status", "COMMANDE"
    )
    expect(panel.locator("[data-figure=total]")).to_have_text(f"12{NBSP}000,00{NBSP}EUR")
    expect(panel.locator("[data-figure=consumed]")).to_have_text(f"4{NBSP}500,00{NBSP}EUR")
    expect(panel.locator("[data-figure=this]")).to_have_text(f"5{NBSP}400,00{NBSP}EUR")
    expect(panel.locator("[data-figure=remaining]")).to_have_text(f"2{NBSP}100,00{NBSP}EUR")
    expect(panel.locator("[data-warning=exceeded]")).to_have_count(0)
    page.screenshot(path="/tmp/commitment-panel.png", full_page=True)
