"""The pre-flight page in French, on a desktop and on a phone: the recap of what will be sent, the
preview of the PDF in the page, only the checks that concern this invoice."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def ready_draft(transactional_db, demo_world):
    commune = Structure.objects.get(siret="21750001600019")
    invoice = Invoice.objects.create(
        supplier=Structure.objects.get(siret="12345678200010"),
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number="F-PRE-0001",
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        created_by=User.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Maintenance",
        quantity=Decimal(2),
        unit_price=Decimal("450.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    return invoice


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_preflight_page_recaps_and_previews_the_invoice(
    width, ready_draft, log_in, live_server, new_page
):
    page = new_page(width=width)
    log_in(page, "fournisseur")
    page.goto(f"{live_server.url}/factures/{ready_draft.pk}/verification/")
    recap = page.locator(".recap")
    expect(recap.locator("[data-recap=recipient]")).to_contain_text("21750001600019")
    expect(recap.locator("[data-recap=service]")).to_contain_text("SERV_TECH")
    expect(recap.locator("[data-recap=totals]")).to_contain_text("1\u202f080,00\u00a0EUR")
    expect(recap.locator("[data-recap=documents]")).to_contain_text("Aucune pièce justificative")
    frame = page.get_by_title("Aperçu du PDF de la facture qui sera envoyé")
    expect(frame).to_be_visible()
    preview = page.request.get(live_server.url + frame.get_attribute("src"))
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    checks = page.locator(".checks")
    expect(checks).to_contain_text("Un mode de paiement est indiqué")
    expect(checks).not_to_contain_text("valideur")  # an A1 invoice names none
    expect(checks).not_to_contain_text("avoir")  # not a credit note
    expect(page.get_by_role("button", name="Envoyer à Chorus Pro")).to_be_enabled()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/screens/preflight-{width}.png", full_page=True)
