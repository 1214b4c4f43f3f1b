"""A suspended invoice completed from the browser, against the emulator: the supplier reads the
recipient's motive, sends a document and a comment, and watches the invoice become completed."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoices.sending.status_sync import status_sync_for_connection

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MOTIVE = "Le procès-verbal de réception manque"


@pytest.fixture
def suspended(demo_world, send_invoice, chorus_connection):
    """An invoice made available to the Commune, then suspended by it."""
    invoice = send_invoice("F-WEB-0100", unit_price=Decimal("300.00"))
    demo_world.advance(10)  # made available to the Commune
    demo_world.set_status(invoice.chorus_invoice_id, "SUSPENDUE", motif=MOTIVE)
    status_sync_for_connection(connection=chorus_connection("12345678200010"))
    invoice.refresh_from_db()
    assert invoice.chorus_status == "SUSPENDUE"
    return invoice


def test_a_supplier_reads_the_motive_completes_and_sees_the_invoice_completed(
    suspended, log_in, run_queued_action, live_server, page, tmp_path
):
    document = tmp_path / "proces-verbal-reception.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/factures/{suspended.pk}/")

    panel = page.locator("#supplier-actions")
    expect(panel).to_contain_text(MOTIVE)
    expect(page.locator("#progress")).to_contain_text("Suspendue")
    form = page.locator("#complete-form")
    form.locator("textarea[name=comment]").fill("Voici le procès-verbal signé.")
    form.locator("input[type=file]").set_input_files(str(document))
    form.locator("button[type=submit]:not([formaction])").click()

    # Queued: the panel polls while the worker carries the completion to Chorus Pro.
    expect(panel.locator(".steps")).to_be_visible()
    action = run_queued_action(suspended)
    assert action.payload["comment"] == "Voici le procès-verbal signé."

    # The next poll sees it done and reloads the page: status and timeline show the completion.
    expect(page.locator(".timeline li").first).to_contain_text("Complétée", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Voici le procès-verbal signé.")
    expect(page.locator("#progress")).to_contain_text("Complétée")
    expect(page.locator("#complete-form")).to_have_count(0)
    page.screenshot(path="/tmp/supplier-completes.png", full_page=True)
