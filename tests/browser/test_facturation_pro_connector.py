"""The Facturation.pro connector in a real browser, in French, against both emulators: connect
the account, import an invoice made in Facturation.pro, send it, and see it paid once Chorus Pro
pays it, with the settlement written back. Workers' parts run where workers run them."""

import pytest
from playwright.sync_api import expect

from connectors.facturation_pro.models import FproConnection, FproInvoice
from invoices.sending.status_sync import status_sync_for_connection
from structures.models import ChorusConnection
from tests.connectors.facturation_pro.workers import workers_install

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NUMBER = "AN-202609-62"  # to the Commune de Villeneuve, 1 602,00 EUR


@pytest.fixture
def connector(transactional_db, demo_world, fpro, settings, live_server, page, monkeypatch):
    settings.FACTURATION_PRO_URL = fpro.base_url
    FproConnection.objects.all().delete()  # the supplier connects the account itself
    return demo_world, live_server, page, workers_install(monkeypatch)


def _settled(page) -> None:
    """Nothing under way any more: the board stopped polling (ticks would be lost otherwise)."""
    expect(page.locator("#board[hx-trigger]")).to_have_count(0, timeout=10_000)


def test_a_supplier_connects_imports_sends_and_sees_it_paid(connector, log_in):
    chorus, _server, page, workers = connector
    log_in(page, "fournisseur")
    page.get_by_role("link", name="Logiciel de facturation").click()
    expect(page.get_by_role("heading", name="Logiciel de facturation")).to_be_visible()

    page.get_by_label("Identifiant API").fill("demo-atelier-numerique")
    page.get_by_label("Clé d’API").fill("fpro-demo-atelier-2026-key")
    page.get_by_label("FIRM_ID").fill("48201")
    page.get_by_role("button", name="Connecter le compte").click()
    expect(page.locator(".messages")).to_contain_text("le portail le teste")
    workers.run()  # the test, then the reading of the invoices
    expect(page.locator("#fpro-test")).to_contain_text(
        "Connecté à Atelier Numérique SAS (FIRM_ID 48201).", timeout=10_000
    )
    _settled(page)

    # The Commune routes by service: chosen once for this customer.
    customer = page.locator("#fpro-customers li", has_text="Commune de Villeneuve")
    customer.get_by_role("combobox").select_option(label="SERV_TECH – Services techniques")
    customer.get_by_role("button", name="Retenir").click()
    expect(page.locator(".messages")).to_contain_text("Service SERV_TECH retenu")

    page.get_by_label(f"Sélectionner {NUMBER}").check()
    page.get_by_role("button", name="Importer la sélection").click()
    expect(page.locator(".messages")).to_contain_text("1 facture est en cours d’import.")
    workers.run()
    expect(page.locator(".import-progress")).to_contain_text(
        "Dernier import\xa0: 1 importée(s), 0 non importée(s).", timeout=10_000
    )
    _settled(page)
    row = page.locator(f"tr[data-number='{NUMBER}']")
    expect(row).to_contain_text("Brouillon")

    page.get_by_label(f"Sélectionner {NUMBER}").check()
    page.get_by_role("button", name="Envoyer la sélection à Chorus Pro").click()
    expect(page.locator(".messages")).to_contain_text("1 facture en file d’attente")
    workers.run()  # the submission to Chorus Pro, exactly as from the editor
    expect(row).to_contain_text("Déposée", timeout=10_000)

    # Chorus Pro routes the invoice, then the Commune pays it; the status sync brings it back.
    invoice = FproInvoice.objects.get(number=NUMBER).invoice
    invoice.refresh_from_db()
    chorus.advance(10)
    chorus.set_status(invoice.chorus_invoice_id, "MISE_EN_PAIEMENT")
    connection = ChorusConnection.objects.select_related("structure").get(
        structure=invoice.supplier
    )
    status_sync_for_connection(connection=connection)
    workers.run()  # the settlement and the Chorus Pro number, written to Facturation.pro

    page.reload()
    expect(row).to_contain_text("Mise en paiement")
    expect(row.locator("[data-kind=settlement]")).to_have_text("Règlement enregistré")
    page.screenshot(path="/tmp/facturation-pro-connector.png", full_page=True)
