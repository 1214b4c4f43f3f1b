"""A suspended invoice completed from the browser, against the emulator: the supplier reads the
recipient's motive, sends a document and a comment, and watches the invoice become completed."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceAction, InvoiceLine
from invoices.services.actions import action_run
from invoices.services.drafts import invoice_totals_refresh
from invoices.services.status_sync import status_sync_for_connection
from invoices.services.submission import invoice_send
from structures.models import ChorusConnection, Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MOTIVE = "Le procès-verbal de réception manque"


@pytest.fixture
def suspended(transactional_db, demo_world):
    """An invoice made available to the Commune, then suspended by it."""
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number="F-WEB-0100",
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        status=Invoice.Status.QUEUED,
        created_by=User.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(2),
        unit_price=Decimal("300.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    invoice.refresh_from_db()
    demo_world.advance(10)  # made available to the Commune
    demo_world.set_status(invoice.chorus_invoice_id, "SUSPENDUE", motif=MOTIVE)
    status_sync_for_connection(connection=ChorusConnection.objects.get(structure=supplier))
    invoice.refresh_from_db()
    assert invoice.chorus_status == "SUSPENDUE"
    return invoice


def test_a_supplier_reads_the_motive_completes_and_sees_the_invoice_completed(
    suspended, live_server, page, tmp_path
):
    document = tmp_path / "proces-verbal-reception.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("fournisseur")
    page.get_by_label("Mot de passe").fill("demo-portail-2026")
    page.get_by_role("button", name="Se connecter").click()
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
    action = InvoiceAction.objects.get(invoice=suspended)
    assert action.payload["comment"] == "Voici le procès-verbal signé."
    assert action_run(action_id=action.pk) == "done"

    # The next poll sees it done and reloads the page: status and timeline show the completion.
    expect(page.locator(".timeline li").first).to_contain_text("Complétée", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Voici le procès-verbal signé.")
    expect(page.locator("#progress")).to_contain_text("Complétée")
    expect(page.locator("#complete-form")).to_have_count(0)
    page.screenshot(path="/tmp/supplier-completes.png", full_page=True)
