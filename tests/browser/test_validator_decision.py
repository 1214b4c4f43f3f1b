"""The Ministère's validator validates one subcontractor invoice and refuses another."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from invoices.treatment.services import REFUSAL_REASONS, reference_fetch
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VALIDATOR_SIRET = "11000201100010"


def test_the_validator_validates_one_invoice_and_refuses_another_with_a_reason(
    received_invoices, log_in, chorus_connection, run_queued_action, live_server, page
):
    # A9 invoices from Atelier Numérique to the Commune, naming the Ministère as validator.
    validated, refused = received_invoices(
        "F-WEB-0301",
        "F-WEB-0302",
        status="A_VALIDER_1",
        validator=Structure.objects.get(siret=VALIDATOR_SIRET),
        billing_framework="A9",
        description="Sous-traitance : câblage",
        quantity=Decimal(5),
        unit_price=Decimal("300.00"),
    )
    log_in(page, "valideur")

    page.goto(f"{live_server.url}/factures/{validated.pk}/")
    expect(page.locator("#decision-panel [data-loading=reasons]")).to_be_visible()
    # The worker fetches Chorus Pro's refusal reasons for A9; the panel polls until they arrive.
    connection = chorus_connection(VALIDATOR_SIRET)
    reference_fetch(kind=REFUSAL_REASONS, connection_id=connection.pk, value="A9")
    expect(page.locator("select[name=refusal_reason]")).to_be_visible()
    page.locator("#decision-panel").screenshot(path="/tmp/validator-panel.png")
    page.locator("#decision-panel button[name=send][value=validate]").click()
    # A validation is asked again, as a rejection is; "Annuler" would leave it undone.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valider la facture")
    expect(page.locator(".validate-confirmation")).to_contain_text("ne peut pas être reprise")
    page.get_by_role("button", name="Valider la facture").click()
    expect(page.locator("#decision-panel [data-action=queued]")).to_be_visible()
    run_queued_action(validated)
    expect(page.locator("#progress")).to_contain_text("Validée", timeout=10_000)
    expect(page.locator("#decision-panel [data-action=done]")).to_be_visible()

    page.goto(f"{live_server.url}/factures/{refused.pk}/")
    page.locator("select[name=refusal_reason]").select_option(label="Montant erroné")
    page.locator("#decision-panel textarea[name=comment]").fill(
        "Cinq jours facturés, trois réalisés"
    )
    page.locator("#decision-panel button[name=send][value=refuse]").click()
    run_queued_action(refused)
    expect(page.locator("#progress")).to_contain_text("Refusée par le valideur", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Cinq jours facturés")
    refused.refresh_from_db()
    assert refused.chorus_status == "REFUSEE_1"
    page.screenshot(path="/tmp/validator-decision.png", full_page=True)
