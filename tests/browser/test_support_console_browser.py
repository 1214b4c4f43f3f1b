"""In French, in Chromium: given only an invoice number, a support agent finds the invoice, reads
why it is stuck, runs the safe action the diagnosis points to, and sees it recorded."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from invoices.drafting.services import invoice_totals_refresh
from invoices.models import Invoice, InvoiceLine
from invoices.support.models import SupportRecord
from structures.models import Structure
from tests.browser.conftest import COMMUNE_SIRET, SUPPLIER_SIRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def stuck_invoice(transactional_db, demo_world):
    """Queued for sending twelve minutes ago; its task was lost and no worker took it."""
    commune = Structure.objects.get(siret=COMMUNE_SIRET)
    invoice = Invoice.objects.create(
        supplier=Structure.objects.get(siret=SUPPLIER_SIRET),
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number="F-2026-0990",
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        status=Invoice.Status.QUEUED,
        send_next_attempt_at=timezone.now() - timedelta(minutes=12),
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


def test_support_finds_a_stuck_invoice_by_its_number_and_sends_it_again(
    live_server, page, log_in, stuck_invoice
):
    log_in(page, "support")
    page.goto(f"{live_server.url}/back-office/")
    expect(page.get_by_role("link", name="Portail Chorus – back-office")).to_be_visible()

    # The number the supplier gave on the phone, in the one search box.
    page.get_by_role("searchbox").fill("F-2026-0990")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(f"**/back-office/invoices/invoice/{stuck_invoice.pk}/change/")
    expect(page.locator(".status-line .badge-queued")).to_have_text("En attente d’envoi")
    expect(page.get_by_text("1\u00a0080,00\u00a0EUR").first).to_be_visible()

    diagnosis = page.locator('[data-diagnosis="queued_unclaimed"]')
    expect(diagnosis).to_contain_text("il y a 12 minutes, et aucun worker ne l’a prise")
    expect(diagnosis).to_contain_text("Vérifiez sur la page Santé")

    page.get_by_role("link", name="Renvoyer une soumission perdue").click()
    expect(page.get_by_text("Chorus Pro ne la reçoit jamais deux fois")).to_be_visible()
    page.get_by_label("Pourquoi").fill("Le fournisseur a appelé : facture bloquée")
    page.get_by_role("button", name="Renvoyer une soumission perdue").click()

    page.wait_for_url(f"**/back-office/invoices/invoice/{stuck_invoice.pk}/change/")
    expect(
        page.get_by_text("confiée à un worker, et enregistrée dans le journal du support")
    ).to_be_visible()
    entry = page.locator('[data-timeline-entry="support"]')
    expect(entry).to_contain_text("Renvoyer une soumission perdue")
    expect(entry).to_contain_text("Le fournisseur a appelé : facture bloquée")

    # The support audit lists it with who, what and why.
    page.get_by_role("link", name="Journal du support").click()
    expect(page.locator("#result_list")).to_contain_text("Support Portail")
    expect(page.locator("#result_list")).to_contain_text("Le fournisseur a appelé")
    record = SupportRecord.objects.get()
    assert (record.actor.username, record.invoice_id) == ("support", stuck_invoice.pk)

    # The health page draws its chart with the vendored Chart.js (CSP nonces: a clean console).
    page.get_by_role("link", name="Santé").click()
    expect(page.locator("[data-health-chorus]")).to_be_visible()
    # Polled from here: wait_for_function's own polling evaluates strings, which the page's CSP
    # (no unsafe-eval) refuses once the chart is not there on the first look.
    drawn = "() => document.getElementById('health-chart').chart !== undefined"
    for _ in range(100):
        if page.evaluate(drawn):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(drawn)
