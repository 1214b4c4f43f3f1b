"""The whole loop in two real browsers, against the emulator: the supplier's invoice reaches the
Commune's inbox, the Commune suspends it, the supplier completes it, the Commune puts it in
payment, and the supplier sees it paid. Workers' and beat's parts are called where they run."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceAction, InvoiceLine
from invoices.services.actions import action_run
from invoices.services.drafts import invoice_totals_refresh
from invoices.services.inbox_sync import inbox_sync_for_connection
from invoices.services.status_sync import status_sync_for_connection
from invoices.services.submission import invoice_send
from invoices.services.treatment import POSSIBLE_STATUSES, reference_fetch
from structures.models import ChorusConnection, Structure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUPPLIER_SIRET = "12345678200010"
COMMUNE_SIRET = "21750001600019"
NUMBER = "F-BOUCLE-0001"
MOTIVE = "Merci de joindre le bon de commande signé"


def _connection(siret: str) -> ChorusConnection:
    return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def _sent_invoice() -> Invoice:
    supplier = Structure.objects.get(siret=SUPPLIER_SIRET)
    commune = Structure.objects.get(siret=COMMUNE_SIRET)
    invoice = Invoice.objects.create(
        supplier=supplier,
        recipient=commune,
        service=commune.services.get(code="SERV_TECH"),
        number=NUMBER,
        issue_date=date(2026, 11, 20),
        payment_mode="transfer",
        status=Invoice.Status.QUEUED,
        created_by=User.objects.get(username="fournisseur"),
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        position=1,
        description="Entretien des espaces verts",
        quantity=Decimal(4),
        unit_price=Decimal("250.00"),
        vat_rate=Decimal(20),
    )
    invoice_totals_refresh(invoice=invoice)
    assert invoice_send(invoice_id=invoice.pk) == "submitted"
    return invoice


def _log_in(page, server, username: str) -> None:
    page.goto(f"{server.url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("demo-portail-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _open(page, url: str) -> None:
    """Go to ``url``. The page may be polling and reload itself when a status lands; that
    navigation can abort ours, which is then simply made again."""
    for attempt in range(3):
        try:
            page.goto(url)
            return
        except PlaywrightError as error:
            if "ERR_ABORTED" not in str(error) or attempt == 2:
                raise


def _worker_runs_the_queued_action(invoice: Invoice) -> None:
    action = InvoiceAction.objects.get(invoice=invoice, status=InvoiceAction.Status.QUEUED)
    assert action_run(action_id=action.pk) == "done"


@pytest.fixture
def two_pages(browser):
    contexts = [
        browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        for _ in range(2)
    ]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(10_000)
    yield pages
    for context in contexts:
        context.close()


def test_a_decision_and_an_answer_travel_both_ways(
    transactional_db, demo_world, live_server, two_pages, tmp_path
):
    supplier_page, commune_page = two_pages
    invoice = _sent_invoice()
    demo_world.advance(10)  # Chorus Pro routes it and makes it available to the Commune

    # The Commune's inbox sync (beat) brings it in; it is new to the Commune.
    inbox_sync_for_connection(connection=_connection(COMMUNE_SIRET))
    _log_in(commune_page, live_server, "commune")
    commune_page.goto(f"{live_server.url}/destinataire/")
    row = commune_page.locator("tr", has_text=NUMBER)
    expect(row).to_contain_text("Nouvelle")
    row.get_by_role("link", name=NUMBER).click()
    expect(commune_page.locator("#progress")).to_contain_text("Mise à disposition")

    # The Commune suspends it with a motive.
    reference_fetch(
        kind=POSSIBLE_STATUSES,
        connection_id=_connection(COMMUNE_SIRET).pk,
        value="MISE_A_DISPOSITION",
    )
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    commune_page.locator("#treatment-panel input[name=target_status][value=SUSPENDUE]").check()
    commune_page.locator("#id_motive").fill(MOTIVE)
    commune_page.locator("#treatment-panel button[name=send]").click()
    _worker_runs_the_queued_action(invoice)
    expect(commune_page.locator("#progress")).to_contain_text("Suspendue", timeout=10_000)

    # The supplier's status sync (beat) brings the suspension and its motive.
    status_sync_for_connection(connection=_connection(SUPPLIER_SIRET))
    _log_in(supplier_page, live_server, "fournisseur")
    _open(supplier_page, f"{live_server.url}/factures/{invoice.pk}/")
    expect(supplier_page.locator("#supplier-actions")).to_contain_text(MOTIVE)

    # The supplier completes it with the signed order.
    order = tmp_path / "bon-de-commande-signe.pdf"
    order.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form = supplier_page.locator("#complete-form")
    form.locator("textarea[name=comment]").fill("Bon de commande signé joint.")
    form.locator("input[type=file]").set_input_files(str(order))
    form.locator("button[type=submit]:not([formaction])").click()
    _worker_runs_the_queued_action(invoice)
    expect(supplier_page.locator("#progress")).to_contain_text("Complétée", timeout=10_000)

    # The Commune's next inbox sync: the completion is in its view, with the supplier's comment.
    inbox_sync_for_connection(connection=_connection(COMMUNE_SIRET))
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    expect(commune_page.locator("#progress")).to_contain_text("Complétée")
    expect(commune_page.locator(".timeline")).to_contain_text("Bon de commande signé joint.")

    # The Commune puts it in payment; the supplier sees it paid.
    reference_fetch(
        kind=POSSIBLE_STATUSES, connection_id=_connection(COMMUNE_SIRET).pk, value="COMPLETEE"
    )
    _open(commune_page, f"{live_server.url}/factures/{invoice.pk}/")
    commune_page.locator(
        "#treatment-panel input[name=target_status][value=MISE_EN_PAIEMENT]"
    ).check()
    commune_page.locator("#treatment-panel button[name=send]").click()
    _worker_runs_the_queued_action(invoice)
    expect(commune_page.locator("#progress")).to_contain_text("Mise en paiement", timeout=10_000)

    status_sync_for_connection(connection=_connection(SUPPLIER_SIRET))
    _open(supplier_page, f"{live_server.url}/fournisseur/")
    expect(supplier_page.locator("tr", has_text=NUMBER)).to_contain_text("Mise en paiement")
    invoice.refresh_from_db()
    assert invoice.chorus_status == "MISE_EN_PAIEMENT"
    assert Invoice.objects.filter(chorus_invoice_id=invoice.chorus_invoice_id).count() == 1
