"""Decisions in French, on a desktop and on a phone: a saved motive edited in place, then used in
a rejection whose confirmation looks destructive (red, and its words say "for good")."""

import re

import pytest
from playwright.sync_api import expect

from invoices.models import ReasonTemplate

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_commune_edits_a_motive_and_rejects_after_a_destructive_confirmation(
    width, received_invoices, log_in, fetch_possible_statuses, live_server, new_page
):
    (invoice,) = received_invoices("F-DEC-0101")
    ReasonTemplate.objects.create(
        structure=invoice.recipient, label="Service", text="Mauvais service"
    )
    page = new_page(width=width)
    log_in(page, "commune")

    page.goto(f"{live_server.url}/destinataire/motifs/")
    page.get_by_role("link", name="Modifier Service").click()
    page.get_by_label("Motif", exact=True).fill(
        "Mauvais service : envoyez la facture au service ECOLES"
    )
    page.get_by_role("button", name="Enregistrer le motif").click()
    expect(page.locator("tbody")).to_contain_text("envoyez la facture au service ECOLES")
    delete = page.get_by_role("button", name="Supprimer Service")
    expect(delete).to_have_class(re.compile("link-danger"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width

    fetch_possible_statuses("MISE_A_DISPOSITION")
    page.goto(f"{live_server.url}/factures/{invoice.pk}/")
    page.locator("#treatment-panel input[name=target_status][value=REJETEE]").check()
    page.locator("select[name=reason_template]").select_option(label="Service")
    expect(page.locator("#id_motive")).to_have_value(re.compile("service ECOLES"))
    page.locator("#treatment-panel button[name=send]").click()
    reject = page.get_by_role("button", name="Rejeter définitivement la facture")
    expect(reject).to_have_class(re.compile("button-danger"))
    colour = reject.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(164, 22, 26)"  # the error red, not the usual blue
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/screens/reject-confirm-{width}.png", full_page=True)
