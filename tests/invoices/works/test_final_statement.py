"""The final statement's chain (CCAG-Travaux art. 12.3 to 12.4): the contractor's draft final
statement (A7), the MOE's draft general statement (A17), the owner's general statement (A20)
back to the contractor, who signs it (A8) for payment."""

from decimal import Decimal

import pytest

from invoices.works.frameworks import A7
from invoices.works.moves import role_on_piece
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


def sync_all() -> None:
    for siret in (CONTRACTOR, MOE, OWNER):
        works_sync_for_connection(connection=connection(siret))


def sent(demo_world, invoice) -> None:
    assert works_piece_send(invoice_id=invoice.pk) == "submitted"
    demo_world.advance(ROUTING)
    sync_all()
    invoice.refresh_from_db()


def test_the_final_statement_goes_to_the_general_statement_the_contractor_signs(
    demo_world, contract, users
):
    final = works_statement_start(contract=contract, user=users["entreprise"], framework=A7)
    works_statement_update(
        invoice=final,
        cumulative=Decimal("1850000.00"),
        period_end=None,
        number=final.number,
        issue_date=final.issue_date,
    )
    # The whole contract done: the advance is repaid in full.
    final.refresh_from_db()
    assert final.works.advance_repayment == Decimal("92500.00")
    works_statement_send(invoice=final, user=users["entreprise"])
    sent(demo_world, final)
    assert final.chorus_status == "A_ASSOCIER_MOE"

    general_draft = works_piece_answer(
        piece=final.works, structure=structure(MOE), user=users["moe"]
    )
    sent(demo_world, general_draft)
    assert general_draft.works.code == "A17" and general_draft.chorus_status == "A_ASSOCIER_MOA"

    general = works_piece_answer(
        piece=general_draft.works, structure=structure(OWNER), user=users["commune"]
    )
    sent(demo_world, general)
    assert general.chorus_status == "A_ASSOCIER_FOURNISSEUR"
    assert role_on_piece(general.works, structure(CONTRACTOR)) == "contractor"

    signed = works_piece_answer(
        piece=general.works, structure=structure(CONTRACTOR), user=users["entreprise"]
    )
    sent(demo_world, signed)
    assert signed.works.code == "A8"
    assert signed.chorus_status == "MISE_A_DISPOSITION"
