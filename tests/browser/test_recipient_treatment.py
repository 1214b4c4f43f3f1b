"""The Commune treats received invoices in a real browser, against the emulator."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceAction, InvoiceLine, ReasonTemplate
from invoices.services.actions import action_run
from invoices.services.drafts import invoice_totals_refresh
from invoices.services.status_sync import status_sync_for_connection
from invoices.services.submission import invoice_send
from invoices.services.treatment import POSSIBLE_STATUSES, reference_fetch
from structures.models import ChorusConnection, Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def world(transactional_db, demo_world, live_server, page):
    return demo_world, live_server, page


def _received(emulator, *numbers: str) -> list[Invoice]:
    """Invoices sent by Atelier Numérique to the Commune and made available to it."""
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    invoices = []
    for number in numbers:
        invoice = Invoice.objects.create(
            supplier=supplier,
            recipient=commune,
            service=commune.services.get(code="SERV_TECH"),
            number=number,
            issue_date=date(2026, 11, 20),
            payment_mode="transfer",
            status=Invoice.Status.QUEUED,
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
        assert invoice_send(invoice_id=invoice.pk) == "submitted"
        invoices.append(invoice)
    emulator.advance(10)
    status_sync_for_connection(connection=ChorusConnection.objects.get(structure=supplier))
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.chorus_status == "MISE_A_DISPOSITION"
    return invoices


def _fetch_statuses(status: str) -> None:
    """The worker's part behind "loading the possible statuses…"."""
    connection = ChorusConnection.objects.get(structure__siret="21750001600019")
    reference_fetch(kind=POSSIBLE_STATUSES, connection_id=connection.pk, value=status)


def _run_decision(invoice: Invoice) -> None:
    """The worker's part behind "your decision is on its way"."""
    action = InvoiceAction.objects.get(invoice=invoice, status=InvoiceAction.Status.QUEUED)
    assert action_run(action_id=action.pk) == "done"


def _log_in(page, server) -> None:
    page.goto(f"{server.url}/connexion/")
    page.get_by_label("Identifiant").fill("commune")
    page.get_by_label("Mot de passe").fill("demo-portail-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/destinataire/")


def _choose(page, status: str) -> None:
    page.locator(f"#treatment-panel input[name=target_status][value={status}]").check()


def _send(page) -> None:
    page.locator("#treatment-panel button[name=send]").click()


def test_the_commune_suspends_with_a_saved_motive_and_rejects_after_confirming(world):
    emulator, server, page = world
    suspended, rejected = _received(emulator, "F-WEB-0101", "F-WEB-0102")
    ReasonTemplate.objects.create(
        structure=suspended.recipient, label="Bon de livraison", text="Bon de livraison manquant"
    )
    _log_in(page, server)

    page.goto(f"{server.url}/factures/{suspended.pk}/")
    expect(page.locator("#treatment-panel [data-loading=statuses]")).to_be_visible()
    _fetch_statuses("MISE_A_DISPOSITION")
    # The panel polls and offers what Chorus Pro allows, without a reload.
    expect(page.locator("#treatment-panel input[value=SUSPENDUE]")).to_be_visible()
    expect(page.locator("#treatment-panel input[value=MISE_A_DISPOSITION]")).to_have_count(0)
    _choose(page, "SUSPENDUE")
    page.locator("select[name=reason_template]").select_option(label="Bon de livraison")
    expect(page.locator("#id_motive")).to_have_value("Bon de livraison manquant")
    page.locator("#treatment-panel").screenshot(path="/tmp/recipient-panel.png")
    _send(page)
    expect(page.locator("#treatment-panel [data-action=queued]")).to_be_visible()
    _run_decision(suspended)
    # The decision lands: the page reloads itself with the new status and its history.
    expect(page.locator("#progress")).to_contain_text("Suspendue", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Bon de livraison manquant")

    page.goto(f"{server.url}/factures/{rejected.pk}/")
    _choose(page, "REJETEE")
    page.locator("#id_motive").fill("Facture déjà reçue sous le numéro F-WEB-0099")
    _send(page)
    # The second step explains the consequence and proposes fixable alternatives.
    expect(page.locator("button[name=alternative][value=SUSPENDUE]")).to_be_visible()
    expect(page.locator("button[name=alternative][value=A_RECYCLER]")).to_be_visible()
    assert not InvoiceAction.objects.filter(invoice=rejected).exists()
    page.screenshot(path="/tmp/recipient-reject-confirm.png", full_page=True)
    page.locator("button[name=confirmed]").click()
    _run_decision(rejected)
    expect(page.locator("#progress")).to_contain_text("Rejetée", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("F-WEB-0099")


def test_the_commune_mandates_with_a_number_then_puts_in_payment(world):
    emulator, server, page = world
    [invoice] = _received(emulator, "F-WEB-0201")
    _fetch_statuses("MISE_A_DISPOSITION")
    _log_in(page, server)

    page.goto(f"{server.url}/factures/{invoice.pk}/")
    _choose(page, "MANDATEE")
    page.locator("#id_mandate_number").fill("M-2026-0007")
    _send(page)
    _run_decision(invoice)
    expect(page.locator("#progress")).to_contain_text("Mandatée", timeout=10_000)
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MANDATEE"

    # From MANDATEE Chorus Pro allows other statuses: the panel asks a worker for them.
    expect(page.locator("#treatment-panel [data-loading=statuses]")).to_be_visible()
    _fetch_statuses("MANDATEE")
    expect(page.locator("#treatment-panel input[value=SUSPENDUE]")).to_have_count(0)
    _choose(page, "MISE_EN_PAIEMENT")
    _send(page)
    _run_decision(invoice)
    expect(page.locator("#progress")).to_contain_text("Mise en paiement", timeout=10_000)
    expect(page.locator("#treatment-panel input[name=target_status]")).to_have_count(0)
    page.screenshot(path="/tmp/recipient-treatment.png", full_page=True)
