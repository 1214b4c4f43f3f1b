"""The Ministère's validator validates one subcontractor invoice and refuses another."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceAction, InvoiceLine
from invoices.services.actions import action_run
from invoices.services.drafts import invoice_totals_refresh
from invoices.services.status_sync import status_sync_for_connection
from invoices.services.submission import invoice_send
from invoices.services.treatment import REFUSAL_REASONS, reference_fetch
from structures.models import ChorusConnection, Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VALIDATOR_SIRET = "11000201100010"


def _awaiting_validation(emulator, *numbers: str) -> list[Invoice]:
    """A9 invoices from Atelier Numérique to the Commune, naming the Ministère as validator."""
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    invoices = []
    for number in numbers:
        invoice = Invoice.objects.create(
            supplier=supplier,
            recipient=commune,
            service=commune.services.get(code="SERV_TECH"),
            validator=Structure.objects.get(siret=VALIDATOR_SIRET),
            billing_framework="A9",
            number=number,
            issue_date=date(2026, 11, 20),
            payment_mode="transfer",
            status=Invoice.Status.QUEUED,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            position=1,
            description="Sous-traitance : câblage",
            quantity=Decimal(5),
            unit_price=Decimal("300.00"),
            vat_rate=Decimal(20),
        )
        invoice_totals_refresh(invoice=invoice)
        assert invoice_send(invoice_id=invoice.pk) == "submitted"
        invoices.append(invoice)
    emulator.advance(10)
    status_sync_for_connection(connection=ChorusConnection.objects.get(structure=supplier))
    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.chorus_status == "A_VALIDER_1"
    return invoices


def _run_decision(invoice: Invoice) -> None:
    action = InvoiceAction.objects.get(invoice=invoice, status=InvoiceAction.Status.QUEUED)
    assert action_run(action_id=action.pk) == "done"


def test_the_validator_validates_one_invoice_and_refuses_another_with_a_reason(
    transactional_db, demo_world, live_server, page
):
    validated, refused = _awaiting_validation(demo_world, "F-WEB-0301", "F-WEB-0302")
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill("valideur")
    page.get_by_label("Mot de passe").fill("demo-portail-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/valideur/")

    page.goto(f"{live_server.url}/factures/{validated.pk}/")
    expect(page.locator("#decision-panel [data-loading=reasons]")).to_be_visible()
    # The worker fetches Chorus Pro's refusal reasons for A9; the panel polls until they arrive.
    connection = ChorusConnection.objects.get(structure__siret=VALIDATOR_SIRET)
    reference_fetch(kind=REFUSAL_REASONS, connection_id=connection.pk, value="A9")
    expect(page.locator("select[name=refusal_reason]")).to_be_visible()
    page.locator("#decision-panel").screenshot(path="/tmp/validator-panel.png")
    page.locator("#decision-panel button[name=send][value=validate]").click()
    expect(page.locator("#decision-panel [data-action=queued]")).to_be_visible()
    _run_decision(validated)
    expect(page.locator("#progress")).to_contain_text("Validée", timeout=10_000)
    expect(page.locator("#decision-panel [data-action=done]")).to_be_visible()

    page.goto(f"{live_server.url}/factures/{refused.pk}/")
    page.locator("select[name=refusal_reason]").select_option(label="Montant erroné")
    page.locator("#decision-panel textarea[name=comment]").fill(
        "Cinq jours facturés, trois réalisés"
    )
    page.locator("#decision-panel button[name=send][value=refuse]").click()
    _run_decision(refused)
    expect(page.locator("#progress")).to_contain_text("Refusée par le valideur", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Cinq jours facturés")
    refused.refresh_from_db()
    assert refused.chorus_status == "REFUSEE_1"
    page.screenshot(path="/tmp/validator-decision.png", full_page=True)
