"""The Commune treats received invoices in a real browser, against the emulator."""

import pytest
from playwright.sync_api import expect

from invoices.models import InvoiceAction, ReasonTemplate

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _choose(page, status: str) -> None:
    page.locator(f"#treatment-panel input[name=target_status][value={status}]").check()


def _send(page) -> None:
    page.locator("#treatment-panel button[name=send]").click()


def test_the_commune_suspends_with_a_saved_motive_and_rejects_after_confirming(
    received_invoices, log_in, fetch_possible_statuses, run_queued_action, live_server, page
):
    suspended, rejected = received_invoices("F-WEB-0101", "F-WEB-0102")
    ReasonTemplate.objects.create(
        structure=suspended.recipient, label="Bon de livraison", text="Bon de livraison manquant"
    )
    log_in(page, "commune")

    page.goto(f"{live_server.url}/factures/{suspended.pk}/")
    expect(page.locator("#treatment-panel [data-loading=statuses]")).to_be_visible()
    fetch_possible_statuses("MISE_A_DISPOSITION")
    # The panel polls and offers what Chorus Pro allows, without a reload.
    expect(page.locator("#treatment-panel input[value=SUSPENDUE]")).to_be_visible()
    expect(page.locator("#treatment-panel input[value=MISE_A_DISPOSITION]")).to_have_count(0)
    _choose(page, "SUSPENDUE")
    page.locator("select[name=reason_template]").select_option(label="Bon de livraison")
    expect(page.locator("#id_motive")).to_have_value("Bon de livraison manquant")
    page.locator("#treatment-panel").screenshot(path="/tmp/recipient-panel.png")
    _send(page)
    expect(page.locator("#treatment-panel [data-action=queued]")).to_be_visible()
    run_queued_action(suspended)
    # The decision lands: the page reloads itself with the new status and its history.
    expect(page.locator("#progress")).to_contain_text("Suspendue", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("Bon de livraison manquant")

    page.goto(f"{live_server.url}/factures/{rejected.pk}/")
    _choose(page, "REJETEE")
    page.locator("#id_motive").fill("Facture déjà reçue sous le numéro F-WEB-0099")
    _send(page)
    # The second step explains the consequence and proposes fixable alternatives.
    expect(page.locator("button[name=alternative][value=SUSPENDUE]")).to_be_visible()
    expect(page.locator("button[name=alternative][value=A_RECYCLER]")).to_have_count(0)
    assert not InvoiceAction.objects.filter(invoice=rejected).exists()
    page.screenshot(path="/tmp/recipient-reject-confirm.png", full_page=True)
    page.locator("button[name=confirmed]").click()
    run_queued_action(rejected)
    expect(page.locator("#progress")).to_contain_text("Rejetée", timeout=10_000)
    expect(page.locator(".timeline li").first).to_contain_text("F-WEB-0099")


def test_a_motive_too_long_is_counted_as_typed_then_refused_whole(
    received_invoices, log_in, fetch_possible_statuses, live_server, page
):
    (invoice,) = received_invoices("F-WEB-0105")
    log_in(page, "commune")
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    fetch_possible_statuses("MISE_A_DISPOSITION")
    _choose(page, "SUSPENDUE")
    motive = page.locator("#id_motive")
    counter = page.locator("#id_motive_counter")
    expect(counter).to_contain_text("0")
    motive.focus()
    text = ("Le bon de livraison signé manque ; merci de le joindre. " * 6).strip()
    page.keyboard.insert_text(text)  # as a paste does: a maxlength would cut it silently
    expect(motive).to_have_value(text)
    expect(counter).to_have_class("char-counter char-counter-over")
    expect(counter).to_contain_text(f"{len(text)} ")  # 335 of 255: 80 too many
    expect(counter).to_contain_text(f"{len(text) - 255} ")
    page.locator("#treatment-panel").screenshot(path="/tmp/screens/motive-counter.png")
    _send(page)
    # Refused by the server, with the whole text given back to shorten.
    expect(page.locator("#errors-motive [role=alert]")).to_contain_text(f"{len(text)} ")
    expect(page.locator("#id_motive")).to_have_value(text)
    assert not InvoiceAction.objects.filter(invoice=invoice).exists()


def test_the_commune_mandates_with_a_number_then_puts_in_payment(
    received_invoices, log_in, fetch_possible_statuses, run_queued_action, live_server, page
):
    [invoice] = received_invoices("F-WEB-0201")
    fetch_possible_statuses("MISE_A_DISPOSITION")
    log_in(page, "commune")

    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    _choose(page, "MANDATEE")
    page.locator("#id_mandate_number").fill("M-2026-0007")
    _send(page)
    run_queued_action(invoice)
    expect(page.locator("#progress")).to_contain_text("Mandatée", timeout=10_000)
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MANDATEE"

    # From MANDATEE Chorus Pro allows other statuses: the panel asks a worker for them.
    expect(page.locator("#treatment-panel [data-loading=statuses]")).to_be_visible()
    fetch_possible_statuses("MANDATEE")
    expect(page.locator("#treatment-panel input[value=SUSPENDUE]")).to_have_count(0)
    _choose(page, "MISE_EN_PAIEMENT")
    _send(page)
    run_queued_action(invoice)
    expect(page.locator("#progress")).to_contain_text("Mise en paiement", timeout=10_000)
    expect(page.locator("#treatment-panel input[name=target_status]")).to_have_count(0)
    page.screenshot(path="/tmp/recipient-treatment.png", full_page=True)
