"""The supplier's journey in a real browser, against the emulator: draft, check, send, follow."""

import re

import pytest
from playwright.sync_api import expect

from invoices.models import Invoice
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import invoice_send
from structures.models import ChorusConnection

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def journey(transactional_db, demo_world, live_server, page):
    return demo_world, live_server, page


def test_a_supplier_drafts_checks_sends_and_sees_the_invoice_made_available(journey, log_in):
    emulator, _server, page = journey
    # The demo supplier is also its structure's manager: password, then the code of their app.
    log_in(page, "fournisseur")
    page.get_by_role("button", name="Nouvelle facture").click()
    expect(page.get_by_role("heading", name="Brouillon de facture")).to_be_visible()

    page.get_by_label("SIRET du destinataire").fill("21750001600019")
    # The recipient's rules and services arrive from the server as soon as the SIRET is saved.
    expect(page.locator("#recipient-info")).to_contain_text("exige un code service")
    page.get_by_label("Service").select_option("SERV_TECH")
    page.get_by_label("Numéro de facture").fill("F-WEB-0001")
    page.get_by_label("Date de facture").fill("2026-11-20")
    page.get_by_label("Mode de paiement").select_option("transfer")

    page.get_by_role("button", name="Ajouter une ligne").click()
    row = page.locator(".line-row").first
    row.get_by_label(re.compile("désignation", re.I)).fill("Développement sur mesure")
    row.get_by_label(re.compile("quantité", re.I)).fill("3")
    row.get_by_label(re.compile("prix unitaire", re.I)).fill("450")
    row.get_by_label(re.compile("prix unitaire", re.I)).press("Tab")
    expect(page.locator("#totals [data-total=incl]")).to_contain_text("1\xa0620,00")

    page.get_by_role("link", name="Vérifier et envoyer").click()
    expect(page.locator(".check-ko")).to_have_count(0)
    page.get_by_role("button", name="Envoyer à Chorus Pro").click()
    expect(page.locator("#progress")).to_contain_text("En attente d’envoi")

    # The worker's part, run here as a Celery worker would run it.
    invoice = Invoice.objects.get(number="F-WEB-0001")
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    expect(page.locator("#progress")).to_contain_text("Transmise à Chorus Pro", timeout=10_000)

    emulator.advance(10)
    connection = ChorusConnection.objects.get(structure=invoice.supplier)
    status_sync_for_connection(connection=connection)
    # No reload: the page follows the invoice until Chorus Pro has made it available.
    expect(page.locator("#progress")).to_contain_text("Mise à disposition", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Mise à disposition")
    expect(page.locator("#payment-clock")).to_contain_text("0 jour écoulé sur 30")
    expect(page.locator("#progress[hx-get]")).to_have_count(0)
    page.screenshot(path="/tmp/journey-detail.png", full_page=True)
