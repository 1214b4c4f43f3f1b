"""The three roles' pages against the emulator: the contractor drafts and sends a monthly
statement, the MOE finds it in its queue with its deadline and takes it into account, asks for
completion or refuses it with a reason of Chorus Pro's list, the MOA validates it, and every
party reads the contract's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.actions.services import action_run
from invoices.models import Invoice, InvoiceAction, Notification, WorksPiece
from invoices.works.reasons import refusal_reasons_fetch
from invoices.works.submission import works_piece_send
from invoices.works.sync import works_sync_for_connection

from .conftest import CONTRACTOR, MOE, OWNER, ROUTING, connection

pytestmark = pytest.mark.slow


def sync_all() -> None:
    for siret in (CONTRACTOR, MOE, OWNER):
        works_sync_for_connection(connection=connection(siret))


def login(client, users, name):
    client.force_login(users[name])
    return client


def sent_statement(client, demo_world, contract, users) -> Invoice:
    """The contractor drafts, saves and sends a statement through the pages; a worker sends it."""
    login(client, users, "entreprise")
    response = client.post(
        reverse("invoices:works_statement_new", args=[contract.pk]),
        {"framework": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"},
    )
    invoice = Invoice.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    response = client.post(
        reverse("invoices:works_statement", args=[invoice.pk]),
        {
            "number": invoice.number,
            "issue_date": "2026-03-31",
            "period_end": "2026-03-31",
            "cumulative": "150000.00",
            "comment": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("invoices:works_statement", args=[invoice.pk]))
    assert page.context["piece"].period_excl_tax == Decimal("150000.00")
    assert all(check.ok for check in page.context["checks"])
    response = client.post(reverse("invoices:works_statement_send", args=[invoice.pk]))
    assert response.url == reverse("invoices:works_piece", args=[invoice.pk])
    assert works_piece_send(invoice_id=invoice.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()
    invoice.refresh_from_db()
    return invoice


def test_the_contractor_sees_the_amounts_computed_from_the_cumulative_works(
    client, contract, users
):
    login(client, users, "entreprise")
    page = client.get(reverse("invoices:works_contract", args=[contract.pk]))
    assert page.status_code == 200 and "MT-2026-014" in page.content.decode()
    response = client.post(
        reverse("invoices:works_statement_new", args=[contract.pk]),
        {"framework": "A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR"},
    )
    invoice_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    client.post(
        reverse("invoices:works_statement", args=[invoice_id]),
        {"number": "DM01-MT-2026-014", "issue_date": "2026-03-31", "cumulative": "1300000.00"},
    )
    page = client.get(reverse("invoices:works_statement", args=[invoice_id]))
    piece = page.context["piece"]
    # 1 300 000 is 70.27 % of the contract: a third of the way from 65 % to 80 %, so a third of
    # the 92 500 advance is repaid.
    assert piece.advance_repayment == Decimal("32500.00")
    invoice = page.context["invoice"]
    assert invoice.total_excl_tax == Decimal("1267500.00")
    assert invoice.amount_due == invoice.total_incl_tax - piece.retention


def test_other_spaces_cannot_open_a_contractors_draft(client, draft_statement, users):
    login(client, users, "moe")
    assert (
        client.get(reverse("invoices:works_statement", args=[draft_statement.pk])).status_code
        == 302
    )
    assert client.get(reverse("invoices:works_piece", args=[draft_statement.pk])).status_code == 404


def test_the_moe_takes_it_into_account_and_the_moa_validates_it(
    client, demo_world, contract, users
):
    sync_all()  # the accounts' first cycle, an import: nobody is told
    statement = sent_statement(client, demo_world, contract, users)
    assert statement.chorus_status == "A_ASSOCIER_MOE"
    # The MOE's people are told of the new request on their desk.
    [notice] = Notification.objects.filter(user=users["moe"], invoice=statement)
    assert statement.number in notice.message

    login(client, users, "moe")
    assert client.get(reverse("home")).url == reverse("invoices:works_moe_queue")
    queue = client.get(reverse("invoices:works_moe_queue"))
    [row] = queue.context["rows"]
    assert row["piece"].invoice == statement and row["days_left"] == 7
    response = client.post(
        reverse("invoices:works_piece_answer", args=[statement.pk]),
        {"cumulative": "140000.00", "comment": "Lot 3 partiellement admis"},
    )
    assert response.status_code == 302
    moe_piece = WorksPiece.objects.get(answers=statement.works).invoice
    assert moe_piece.status == Invoice.Status.QUEUED
    assert works_piece_send(invoice_id=moe_piece.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()

    login(client, users, "commune")
    queue = client.get(reverse("invoices:works_queue"))
    [row] = queue.context["rows"]
    assert row["piece"].invoice == moe_piece
    client.post(
        reverse("invoices:works_piece_answer", args=[moe_piece.pk]), {"cumulative": "140000.00"}
    )
    owner_piece = WorksPiece.objects.get(answers=moe_piece.works).invoice
    assert works_piece_send(invoice_id=owner_piece.pk) == "submitted"
    demo_world.advance(ROUTING)
    from invoices.inbox.services import inbox_sync_for_connection

    inbox_sync_for_connection(connection=connection(OWNER))
    inbox = client.get(reverse("invoices:recipient_inbox"), {"works": "yes"})
    assert [i.pk for i in inbox.context["page"].invoices] == [owner_piece.pk]
    assert "badge-works" in inbox.content.decode()
    others = client.get(reverse("invoices:recipient_inbox"), {"works": "no"})
    assert owner_piece.pk not in [i.pk for i in others.context["page"].invoices]

    # The MOE sees what the owner later decided on the statement it took into account.
    login(client, users, "moe")
    queue = client.get(reverse("invoices:works_moe_queue"))
    [decided] = queue.context["decided"]
    assert decided.answer.invoice == moe_piece and decided.outcome.invoice == owner_piece
    assert "Mise à disposition" in queue.content.decode() or "Made available" in (
        queue.content.decode()
    )

    login(client, users, "entreprise")
    page = client.get(reverse("invoices:works_contract", args=[contract.pk]))
    [row] = page.context["summary"].rows
    assert [step.code for step in row.chain] == ["A4", "A15", "A19"]
    assert row.holder == "recipient" and page.context["summary"].pending == owner_piece.amount_due


def test_the_moe_asks_to_complete_and_the_contractor_completes(client, demo_world, contract, users):
    statement = sent_statement(client, demo_world, contract, users)
    login(client, users, "moe")
    client.post(
        reverse("invoices:works_piece_suspend", args=[statement.pk]),
        {"comment": "Joindre le métré du lot 3"},
    )
    action = statement.actions.get()
    assert action_run(action_id=action.pk) == "done"
    statement.refresh_from_db()
    assert statement.chorus_status == "A_COMPLETER"

    login(client, users, "entreprise")
    page = client.get(reverse("invoices:works_piece", args=[statement.pk]))
    assert page.context["complete_form"] is not None
    client.post(
        reverse("invoices:works_piece_complete", args=[statement.pk]), {"comment": "Métré joint"}
    )
    action = statement.actions.order_by("-pk").first()
    assert action.kind == InvoiceAction.Kind.WORKS_COMPLETE
    assert action_run(action_id=action.pk) == "done"
    demo_world.advance(ROUTING)
    sync_all()
    statement.refresh_from_db()
    assert statement.chorus_status == "A_ASSOCIER_MOE"


def test_the_moe_refuses_with_a_reason_of_chorus_pros_list(client, demo_world, contract, users):
    statement = sent_statement(client, demo_world, contract, users)
    login(client, users, "moe")
    page = client.get(reverse("invoices:works_piece", args=[statement.pk]))
    assert page.context["reasons_loading"]
    refusal_reasons_fetch(connection=connection(MOE))
    page = client.get(reverse("invoices:works_piece", args=[statement.pk]))
    codes = [code for code, _label in page.context["refuse_form"].fields["reason"].choices]
    assert "MAUVAISE_MOE" in codes and "ERREUR_MONTANT" not in codes
    assert "MAUVAIS_VALIDEUR" not in codes
    page = client.post(
        reverse("invoices:works_piece_refuse", args=[statement.pk]),
        {"reason": "AUTRE", "comment": ""},
    )
    assert page.status_code == 200 and page.context["refuse_form"].errors
    client.post(
        reverse("invoices:works_piece_refuse", args=[statement.pk]),
        {"reason": "AUTRE", "comment": "Travaux non conformes au CCTP"},
    )
    assert action_run(action_id=statement.actions.get().pk) == "done"
    statement.refresh_from_db()
    assert statement.chorus_status == "REFUSEE_MOE"
    # A refused statement no longer counts: the next one starts from zero again.
    login(client, users, "entreprise")
    page = client.get(reverse("invoices:works_contract", args=[contract.pk]))
    assert page.context["summary"].cumulative == 0


def test_the_moe_hands_the_piece_to_one_of_its_services(client, demo_world, contract, users):
    statement = sent_statement(client, demo_world, contract, users)
    login(client, users, "moe")
    page = client.post(
        reverse("invoices:works_piece_moe_service", args=[statement.pk]), {"service_code": ""}
    )
    assert page.status_code == 200 and page.context["service_form"].errors
    client.post(
        reverse("invoices:works_piece_moe_service", args=[statement.pk]), {"service_code": "OPC"}
    )
    assert action_run(action_id=statement.actions.get().pk) == "done"
    statement.works.refresh_from_db()
    assert statement.works.project_manager_service_code == "OPC"
    # An inactive service of the MOE is refused by Chorus Pro, and the page says so.
    client.post(
        reverse("invoices:works_piece_moe_service", args=[statement.pk]),
        {"service_code": "ETUDES"},
    )
    failed = statement.actions.order_by("-pk").first()
    assert action_run(action_id=failed.pk) == "failed"
    page = client.get(reverse("invoices:works_piece", args=[statement.pk]))
    assert "data-action-failed" in page.content.decode()


def test_refused_for_a_wrong_project_manager_the_contractor_names_the_right_one(
    client, demo_world, contract, users
):
    statement = sent_statement(client, demo_world, contract, users)
    refusal_reasons_fetch(connection=connection(MOE))
    login(client, users, "moe")
    client.post(
        reverse("invoices:works_piece_refuse", args=[statement.pk]),
        {"reason": "MAUVAISE_MOE", "comment": "Le service OPC suit ce lot"},
    )
    assert action_run(action_id=statement.actions.get().pk) == "done"
    statement.refresh_from_db()
    assert statement.chorus_status == "ERREUR_FOURNISSEUR_SUR_MOE"

    login(client, users, "entreprise")
    page = client.get(reverse("invoices:works_piece", args=[statement.pk]))
    assert page.context["moe_form"] is not None
    client.post(
        reverse("invoices:works_piece_fix_moe", args=[statement.pk]),
        {"siret": MOE, "service_code": "OPC"},
    )
    action = statement.actions.order_by("-pk").first()
    assert action.kind == InvoiceAction.Kind.WORKS_FIX_MOE
    assert action_run(action_id=action.pk) == "done"
    statement.refresh_from_db()
    assert statement.chorus_status == "A_ASSOCIER_MOE"
    assert statement.works.project_manager_service_code == "OPC"
