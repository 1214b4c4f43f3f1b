"""Routing errors since recycling was withdrawn (AIFE annex v6.1 §2) and a wrong validator
(§2.1.1.14), in the browser, in French, against the emulator: the Commune rejects an invoice
addressed to the wrong service and the supplier drafts the corrected one; the supplier names
the right validator after the Rectorat refused an invoice that was not its to validate."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceAction
from invoices.treatment.services import REFUSAL_REASONS, invoice_refuse, reference_fetch
from structures.models import Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MINISTERE = "11000201100010"
RECTORAT = "17590001800011"
SHOTS = Path("/tmp/reform")
ROUTING_MOTIVE = "Erreur d’acheminement : à adresser au service SERV_CULTURE, bon EJ-CULT-0007"


def test_the_commune_rejects_a_routing_error_and_the_supplier_drafts_the_corrected_invoice(
    received_invoices,
    log_in,
    fetch_possible_statuses,
    run_queued_action,
    live_server,
    new_page,
):
    SHOTS.mkdir(exist_ok=True)
    [invoice] = received_invoices("F-WEB-0401")
    fetch_possible_statuses("MISE_A_DISPOSITION")
    commune = new_page()
    log_in(commune, "commune")

    commune.goto(f"{live_server.url}/factures/{invoice.pk}/")
    panel = commune.locator("#treatment-panel")
    expect(panel.locator("input[name=target_status][value=REJETEE]")).to_be_visible()
    # Recycling is withdrawn: never offered, whatever the status.
    expect(panel.locator("input[name=target_status][value=A_RECYCLER]")).to_have_count(0)
    expect(panel).to_contain_text("erreur d’acheminement")
    panel.locator("input[name=target_status][value=REJETEE]").check()
    commune.locator("#id_motive").fill(ROUTING_MOTIVE)
    panel.locator("button[name=send]").click()

    # The confirmation: suspending if the supplier can fix the same invoice, otherwise a
    # rejection whose motive says where the invoice should go.
    expect(commune.locator("h1")).to_contain_text("Rejeter la facture F-WEB-0401")
    expect(commune.locator("button[name=alternative][value=SUSPENDUE]")).to_be_visible()
    expect(commune.locator("button[name=alternative][value=A_RECYCLER]")).to_have_count(0)
    expect(commune.locator("[data-routing-error=reject]")).to_contain_text("ne permet plus")
    expect(commune.locator("blockquote.motive")).to_have_text(ROUTING_MOTIVE)
    commune.screenshot(path=str(SHOTS / "reject-routing-error.png"), full_page=True)
    assert not InvoiceAction.objects.filter(invoice=invoice).exists()
    commune.locator("button[name=confirmed]").click()
    run_queued_action(invoice)
    expect(commune.locator("#progress")).to_contain_text("Rejetée", timeout=10_000)
    expect(commune.locator(".timeline li").first).to_contain_text("SERV_CULTURE")

    supplier = new_page()
    log_in(supplier, "fournisseur")
    supplier.goto(f"{live_server.url}/factures/{invoice.pk}/")
    answer = supplier.locator("#supplier-actions")
    expect(answer).to_contain_text("Motif du rejet par le destinataire")
    expect(answer).to_contain_text(ROUTING_MOTIVE)
    expect(answer.locator("#recycle-form")).to_have_count(0)
    supplier.screenshot(path=str(SHOTS / "supplier-rejected-routing.png"), full_page=True)
    answer.get_by_role(
        "button", name="Prendre en compte le rejet et créer la facture corrigée"
    ).click()
    supplier.wait_for_url(f"{live_server.url}/factures/*/modifier/")
    draft = Invoice.objects.get(replaces=invoice)
    assert draft.status == Invoice.Status.DRAFT and draft.recipient == invoice.recipient
    # Back to the invoice, clicked again: the same corrected invoice opens, not a second one.
    supplier.go_back()
    supplier.locator("#supplier-actions").get_by_role(
        "button", name="Prendre en compte le rejet et créer la facture corrigée"
    ).click()
    supplier.wait_for_url(f"{live_server.url}/factures/{draft.pk}/modifier/")
    assert Invoice.objects.filter(replaces=invoice).count() == 1


def test_the_supplier_names_the_right_validator_after_a_wrong_validator_refusal(
    received_invoices, log_in, chorus_connection, run_queued_action, live_server, page
):
    SHOTS.mkdir(exist_ok=True)
    rectorat = Structure.objects.get(siret=RECTORAT)
    [invoice] = received_invoices(
        "F-WEB-0402", status="A_VALIDER_1", billing_framework="A9", validator=rectorat
    )
    reference_fetch(kind=REFUSAL_REASONS, connection_id=chorus_connection(RECTORAT).pk, value="A9")
    refusal = invoice_refuse(
        invoice=invoice,
        user=User.objects.get(username="rectorat"),
        structure=rectorat,
        reason_code="ERREUR_VALIDEUR",
        comment="Les factures de la commune sont validées par le Ministère",
    )
    run_queued_action(invoice)
    assert refusal.invoice.pk == invoice.pk
    log_in(page, "fournisseur")

    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    banner = page.locator("#validator-refusal")
    expect(banner).to_contain_text("acheminement vers le valideur")
    expect(banner.locator("[data-next-step=wrong-validator]")).to_be_visible()
    banner.get_by_role("link", name="Désigner le bon valideur").click()
    form = page.locator("#validator-form")
    siret = form.get_by_label("SIRET du bon valideur")
    expect(siret).to_be_visible()
    # A SIRET with a wrong check digit is refused, and comes back as typed.
    siret.fill("110 002 011 00011")
    form.get_by_role("button", name="Renvoyer la facture en validation").click()
    expect(page.locator("#errors-validator_siret")).to_contain_text("SIRET valide")
    expect(page.locator("#id_validator_siret")).to_have_value("110 002 011 00011")
    page.screenshot(path=str(SHOTS / "validator-siret-refused.png"), full_page=True)
    page.locator("#id_validator_siret").fill("110 002 011 00010")
    page.get_by_role("button", name="Renvoyer la facture en validation").click()

    # Back on the invoice's page: the panel follows the action while a worker carries it.
    expect(page.locator("#supplier-actions .steps")).to_be_visible()
    run_queued_action(invoice)
    expect(page.locator("#progress")).to_contain_text("À valider", timeout=10_000)
    expect(page.locator("#supplier-actions")).to_contain_text(
        "la facture attend la validation de Ministère - mission de validation"
    )
    expect(page.locator("#validator-refusal")).to_have_count(0)
    expect(page.locator(".facts").first).to_contain_text("Ministère - mission de validation")
    page.screenshot(path=str(SHOTS / "validator-corrected.png"), full_page=True)
    page.reload()
    expect(page.locator("#validator-form")).to_have_count(0)
    invoice.refresh_from_db()
    assert invoice.validator.siret == MINISTERE and invoice.chorus_status == "A_VALIDER_1"
