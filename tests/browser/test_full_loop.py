"""The whole loop in two real browsers, against the emulator: the supplier's invoice reaches the
Commune's inbox, the Commune suspends it, the supplier completes it, the Commune puts it in
payment, and the supplier sees it paid. Workers' and beat's parts are called where they run."""

from decimal import Decimal

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from invoices.inbox.services import inbox_sync_for_connection
from invoices.models import Invoice
from invoices.sending.status_sync import status_sync_for_connection

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER_SIRET = "12345678200010"
COMMUNE_SIRET = "21750001600019"
NUMBER = "F-BOUCLE-0001"
MOTIVE = "Merci de joindre le bon de commande signé"


def _open(page, url: str) -> None:
    """Go to ``url``. The page may be polling and reload itself when a status lands; that
    navigation can abort or interrupt ours, which is then simply made again."""
    for attempt in range(5):
        try:
            page.goto(url)
            return
        except PlaywrightError as error:
            interrupted = "ERR_ABORTED" in str(error) or "interrupted by another" in str(error)
            if not interrupted or attempt == 4:
                raise
            # Let the page's own navigation finish before making ours again.
            page.wait_for_load_state("load")


def test_a_decision_and_an_answer_travel_both_ways(
    demo_world,
    send_invoice,
    log_in,
    chorus_connection,
    fetch_possible_statuses,
    run_queued_action,
    live_server,
    new_page,
    tmp_path,
):
    supplier_page, commune_page = new_page(), new_page()
    invoice = send_invoice(
        NUMBER,
        description="Entretien des espaces verts",
        quantity=Decimal(4),
        unit_price=Decimal("250.00"),
    )
    demo_world.advance(10)  # Chorus Pro routes it and makes it available to the Commune

    # The Commune's inbox sync (beat) brings it in; it is new to the Commune.
    inbox_sync_for_connection(connection=chorus_connection(COMMUNE_SIRET))
    log_in(commune_page, "commune")
    commune_page.goto(f"{live_server.url}/destinataire/")
    row = commune_page.locator("tr", has_text=NUMBER)
    expect(row).to_contain_text("Nouvelle")
    row.get_by_role("link", name=NUMBER).click()
    expect(commune_page.locator("#progress")).to_contain_text("Mise à disposition")

    # The Commune suspends it with a motive.
    fetch_possible_statuses("MISE_A_DISPOSITION")
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    commune_page.locator("#treatment-panel input[name=target_status][value=SUSPENDUE]").check()
    commune_page.locator("#id_motive").fill(MOTIVE)
    commune_page.locator("#treatment-panel button[name=send]").click()
    run_queued_action(invoice)
    expect(commune_page.locator("#progress")).to_contain_text("Suspendue", timeout=10_000)

    # The supplier's status sync (beat) brings the suspension and its motive.
    status_sync_for_connection(connection=chorus_connection(SUPPLIER_SIRET))
    log_in(supplier_page, "fournisseur")
    _open(supplier_page, f"{live_server.url}/factures/{invoice.pk}/")
    expect(supplier_page.locator("#supplier-actions")).to_contain_text(MOTIVE)

    # The supplier completes it with the signed order.
    order = tmp_path / "bon-de-commande-signe.pdf"
    order.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form = supplier_page.locator("#complete-form")
    form.locator("textarea[name=comment]").fill("Bon de commande signé joint.")
    form.locator("input[type=file]").set_input_files(str(order))
    form.locator("button[type=submit]:not([formaction])").click()
    run_queued_action(invoice)
    expect(supplier_page.locator("#progress")).to_contain_text("Complétée", timeout=10_000)

    # The Commune's next inbox sync: the completion is in its view, with the supplier's comment.
    inbox_sync_for_connection(connection=chorus_connection(COMMUNE_SIRET))
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    expect(commune_page.locator("#progress")).to_contain_text("Complétée")
    expect(commune_page.locator(".timeline")).to_contain_text("Bon de commande signé joint.")

    # The Commune puts it in payment; the supplier sees it paid.
    fetch_possible_statuses("COMPLETEE")
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    commune_page.locator(
        "#treatment-panel input[name=target_status][value=MISE_EN_PAIEMENT]"
    ).check()
    commune_page.locator("#treatment-panel button[name=send]").click()
    run_queued_action(invoice)
    expect(commune_page.locator("#progress")).to_contain_text("Mise en paiement", timeout=10_000)

    status_sync_for_connection(connection=chorus_connection(SUPPLIER_SIRET))
    _open(supplier_page, f"{live_server.url}/fournisseur/")
    expect(supplier_page.locator("tr", has_text=NUMBER)).to_contain_text("Mise en paiement")
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MISE_EN_PAIEMENT"
    assert Invoice.objects.filter(chorus_invoice_id=invoice.chorus_invoice_id).count() == 1
