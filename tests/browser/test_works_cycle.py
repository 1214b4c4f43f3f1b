"""A monthly works statement to payment, in three real browsers in French, against the emulator:
the contractor states the works done since the start and sends its statement, the project
manager (MOE) takes it into account, the project owner (MOA) validates it, then pays it from its
inbox; the contractor sees the contract's statement paid. Workers' and beat's parts are called
where they run."""

import pytest
from playwright.sync_api import expect

from invoices.inbox.services import inbox_sync_for_connection
from invoices.models import Invoice, WorksContract, WorksPiece
from invoices.works.submission import works_piece_send
from invoices.works.sync import works_sync_for_connection

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONTRACTOR, MOE, OWNER = "53217846400014", "79812345100014", "21750001600019"


def test_a_monthly_statement_goes_from_the_contractor_to_payment(
    transactional_db,
    demo_world,
    log_in,
    chorus_connection,
    fetch_possible_statuses,
    run_queued_action,
    live_server,
    new_page,
):
    contractor_page, moe_page, owner_page = new_page(), new_page(), new_page()
    contract = WorksContract.objects.get(number="MT-2026-014")

    def worker_sends(invoice: Invoice) -> None:
        assert works_piece_send(invoice_id=invoice.pk) == "submitted"
        demo_world.advance(10)  # Chorus Pro routes the piece to its next holder
        for siret in (CONTRACTOR, MOE, OWNER):
            works_sync_for_connection(connection=chorus_connection(siret))

    # The contractor drafts its first monthly statement on the contract and sends it.
    log_in(contractor_page, "entreprise")
    contractor_page.goto(f"{live_server.url}/travaux/")
    contractor_page.get_by_role("link", name="MT-2026-014").click()
    contractor_page.get_by_role("button", name="Nouveau décompte").click()
    contractor_page.get_by_label("Travaux exécutés depuis le début, HT (€)").fill("200000.00")
    contractor_page.get_by_role("button", name="Enregistrer et calculer").click()
    expect(contractor_page.locator("[data-period]")).to_contain_text("200")
    expect(contractor_page.locator("[data-amount-due]")).to_contain_text("228")
    contractor_page.get_by_role("button", name="Envoyer à Chorus Pro").click()
    expect(contractor_page.locator("[data-works-status]")).to_contain_text("envoi")
    statement = Invoice.objects.get(works__contract=contract, works__answers__isnull=True)
    worker_sends(statement)

    # The MOE finds it in its queue, with its 7 days, and takes it into account.
    log_in(moe_page, "moe")
    queue_row = moe_page.locator("tr", has_text=statement.number)
    expect(queue_row).to_contain_text("7 jours restants")
    queue_row.get_by_role("link", name=statement.number).click()
    moe_page.get_by_label("Travaux admis à date, HT (€)").fill("190000.00")
    moe_page.locator("[data-form=answer] button").click()
    expect(moe_page.locator(".messages")).to_contain_text("Chorus Pro")
    moe_statement = WorksPiece.objects.get(answers=statement.works).invoice
    worker_sends(moe_statement)

    # The owner validates the MOE's payment statement in its works queue.
    log_in(owner_page, "commune")
    owner_page.goto(f"{live_server.url}/travaux/a-traiter/")
    owner_page.locator("tr", has_text=moe_statement.number).get_by_role("link").first.click()
    owner_page.locator("[data-form=answer] button").click()
    payable = WorksPiece.objects.get(answers=moe_statement.works).invoice
    worker_sends(payable)

    # The payable piece reaches the owner's inbox through the sync, marked as works; it pays it.
    inbox_sync_for_connection(connection=chorus_connection(OWNER))
    owner_page.goto(f"{live_server.url}/destinataire/?works=yes")
    row = owner_page.locator("tr", has_text=payable.number)
    expect(row).to_contain_text("Travaux")
    fetch_possible_statuses("MISE_A_DISPOSITION")
    owner_page.goto(f"{live_server.url}/factures/{payable.pk}/")
    expect(owner_page.locator("[data-works-panel]")).to_contain_text("maîtrise d’œuvre")
    owner_page.locator("#treatment-panel input[name=target_status][value=MISE_EN_PAIEMENT]").check()
    owner_page.locator("#treatment-panel button[name=send]").click()
    run_queued_action(payable)
    expect(owner_page.locator("#progress")).to_contain_text("Mise en paiement", timeout=10_000)

    # The contractor sees its statement paid on the contract's page.
    for siret in (CONTRACTOR, MOE, OWNER):
        works_sync_for_connection(connection=chorus_connection(siret))
    contractor_page.goto(f"{live_server.url}/travaux/marches/{contract.pk}/")
    expect(contractor_page.locator("tr", has_text=statement.number)).to_contain_text("Payé")
    payable.refresh_from_db()
    assert payable.chorus_status == "MISE_EN_PAIEMENT"
