"""A subcontractor paid directly: its monthly request (A10) goes first to the contractor, who
validates it in its own space; then the MOE takes it into account and the MOA validates, as for
the contractor's own statements."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoices.actions.services import action_run
from invoices.models import Invoice, WorksPiece
from invoices.works.frameworks import A10
from invoices.works.services import (
    works_piece_answer,
    works_statement_send,
    works_statement_start,
    works_statement_update,
)
from invoices.works.submission import works_piece_send
from invoices.works.sync import works_sync_for_connection

from .conftest import CONTRACTOR, MOE, OWNER, ROUTING, connection, structure

pytestmark = pytest.mark.slow
SUBCONTRACTOR = "81456230200012"


def sync_all() -> None:
    for siret in (SUBCONTRACTOR, CONTRACTOR, MOE, OWNER):
        works_sync_for_connection(connection=connection(siret))


def test_a_subcontractors_request_is_validated_by_the_contractor_then_goes_to_the_moe(
    client, demo_world, contract, users, django_user_model
):
    subcontractor = django_user_model.objects.get(username="soustraitant")
    client.force_login(subcontractor)
    page = client.get(reverse("invoices:works_contract", args=[contract.pk]))
    choices = [code for code, _label in page.context["new_form"].fields["framework"].choices]
    assert choices == [A10, "A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT"]

    request = works_statement_start(
        contract=contract, user=subcontractor, framework=A10, company=structure(SUBCONTRACTOR)
    )
    works_statement_update(
        invoice=request,
        cumulative=Decimal("40000.00"),
        period_end=None,
        number=request.number,
        issue_date=request.issue_date,
    )
    request.refresh_from_db()
    assert request.supplier == structure(SUBCONTRACTOR)
    assert request.works.advance_repayment == 0  # the contract's advance is the contractor's
    assert request.amount_due == Decimal("45600.00")  # 48 000 TTC less 5 % retention
    works_statement_send(invoice=request, user=subcontractor)
    assert works_piece_send(invoice_id=request.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()
    request.refresh_from_db()
    assert request.chorus_status == "A_VALIDER_1"

    # The contractor finds it among the pieces waiting for it, and validates it.
    client.force_login(users["entreprise"])
    queue = client.get(reverse("invoices:works_queue"))
    assert [row["piece"].invoice for row in queue.context["rows"]] == [request]
    page = client.get(reverse("invoices:works_piece", args=[request.pk]))
    assert page.context["validating"] and page.context.get("answer_form") is None
    client.post(reverse("invoices:works_piece_validate", args=[request.pk]))
    assert action_run(action_id=request.actions.get().pk) == "done"
    demo_world.advance(ROUTING)
    sync_all()
    request.refresh_from_db()
    assert request.chorus_status == "MISE_A_DISPOSITION_MOE"

    # The MOE answers it with its payment statement, for direct payment by the owner.
    statement = works_piece_answer(piece=request.works, structure=structure(MOE), user=users["moe"])
    assert works_piece_send(invoice_id=statement.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()
    statement.refresh_from_db()
    assert statement.chorus_status == "A_ASSOCIER_MOA"
    assert statement.supplier == structure(SUBCONTRACTOR)

    # The subcontractor's contract page counts only its own works; another's draft is unseen.
    works_statement_start(contract=contract, user=users["entreprise"])
    client.force_login(subcontractor)
    page = client.get(reverse("invoices:works_contract", args=[contract.pk]))
    summary = page.context["summary"]
    assert [row.piece.invoice for row in summary.rows] == [request]
    assert summary.cumulative == Decimal("40000.00")
    assert WorksPiece.objects.filter(invoice__supplier=structure(CONTRACTOR)).count() == 1
    assert Invoice.objects.filter(supplier__siret=SUBCONTRACTOR).count() == 2
