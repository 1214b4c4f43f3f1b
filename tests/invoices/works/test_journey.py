"""The monthly cycle against the emulator, through the services the views and workers call:
the contractor's statement sent exactly once, taken into account by the MOE, validated by the
MOA, then paid from the owner's inbox; every party's rows follow through the works sync."""

from decimal import Decimal

import pytest
from django.utils import timezone

from chorus_client import InvoiceStatus
from invoices.actions.services import action_queue, action_run
from invoices.inbox.services import inbox_sync_for_connection
from invoices.models import Invoice, InvoiceAction, WorksPiece
from invoices.payment_clock import works_time_split
from invoices.works.selectors import contract_summary
from invoices.works.services import works_piece_answer, works_statement_send
from invoices.works.submission import works_piece_send
from invoices.works.sync import works_sync_for_connection
from portal.spaces import Space

from .conftest import CONTRACTOR, MOE, OWNER, ROUTING, connection, membership, structure

pytestmark = pytest.mark.slow


def sync_all() -> None:
    for siret in (CONTRACTOR, MOE, OWNER):
        works_sync_for_connection(connection=connection(siret))


def test_a_monthly_statement_goes_from_contractor_to_moe_to_moa_to_paid(
    demo_world, draft_statement, users, django_capture_on_commit_callbacks
):
    piece = draft_statement.works
    assert piece.period_excl_tax == Decimal("200000.00")
    assert draft_statement.total_incl_tax == Decimal("240000.00")
    assert draft_statement.amount_due == Decimal("228000.00")  # 5 % retention held back

    assert works_statement_send(invoice=draft_statement, user=users["entreprise"])
    assert works_piece_send(invoice_id=draft_statement.pk) == "submitted"
    draft_statement.refresh_from_db()
    assert draft_statement.status == Invoice.Status.SUBMITTED
    demo_world.advance(ROUTING)
    sync_all()
    draft_statement.refresh_from_db()
    assert draft_statement.chorus_status == InvoiceStatus.A_ASSOCIER_MOE
    piece.refresh_from_db()
    assert (piece.project_manager_due_at - piece.project_manager_received_at).days == 7

    moe_piece = works_piece_answer(
        piece=piece,
        structure=structure(MOE),
        user=users["moe"],
        cumulative=Decimal("190000.00"),
    )
    assert works_piece_send(invoice_id=moe_piece.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()
    moe_piece.refresh_from_db()
    assert moe_piece.chorus_status == "A_ASSOCIER_MOA"
    assert moe_piece.total_excl_tax == Decimal("190000.00")
    draft_statement.refresh_from_db()
    assert draft_statement.chorus_status == "ASSOCIEE"

    owner_piece = works_piece_answer(
        piece=moe_piece.works, structure=structure(OWNER), user=users["commune"]
    )
    assert works_piece_send(invoice_id=owner_piece.pk) == "submitted"
    demo_world.advance(ROUTING)
    inbox_sync_for_connection(connection=connection(OWNER))
    owner_piece.refresh_from_db()
    assert owner_piece.chorus_status == "MISE_A_DISPOSITION"
    assert WorksPiece.objects.get(invoice=owner_piece).answers.invoice == moe_piece

    # The owner pays it from the inbox, with the statuses Chorus Pro allows (traiter/recue).
    action = action_queue(
        invoice=owner_piece,
        kind=InvoiceAction.Kind.TREAT,
        user=users["commune"],
        payload={"target_status": "MISE_EN_PAIEMENT", "from_status": "MISE_A_DISPOSITION"},
    )
    assert action_run(action_id=action.pk) == "done"
    owner_piece.refresh_from_db()
    assert owner_piece.chorus_status == "MISE_EN_PAIEMENT"
    sync_all()

    summary = contract_summary(contract=piece.contract, space=Space(membership("entreprise")))
    [row] = summary.rows
    assert [step.code for step in row.chain] == ["A4", "A15", "A19"]
    assert row.paid and summary.cumulative == Decimal("190000.00")
    assert summary.paid == owner_piece.amount_due and summary.pending == 0
    split = works_time_split(piece=piece, chain=row.chain)
    assert split.deadline_days == 30 and split.paid_on is not None
    # The statement's money is counted once, on the piece that carries it.
    carried = Invoice.objects.filter(works__contract=piece.contract).awaiting_payment()
    assert not carried.exists()  # paid; the A4 and A15 were taken into account
    # Its deadline was Chorus Pro's for the chain: 30 days from the MOE's receipt of the A4.
    owner_piece.refresh_from_db()
    piece.refresh_from_db()
    assert owner_piece.payment_due_by == timezone.localdate(piece.payment_due_at)
