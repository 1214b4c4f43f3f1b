"""The entry points of works invoices, by workflow (each in its own module):

- drafting.py: the contractor's draft statement, its amounts from the cumulative works;
- preflight.py and submission.py: the check, then sending exactly once by a worker;
- moves.py: what the MOE, the MOA and the contractor do with a piece they hold;
- sync.py: the works pieces followed in Chorus Pro, per account and role.
"""

from invoices.models import Invoice
from invoices.works.drafting import (
    StatementLocked,
    works_statement_attach,
    works_statement_delete,
    works_statement_start,
    works_statement_update,
)
from invoices.works.moves import (
    works_piece_answer,
    works_piece_complete,
    works_piece_fix_moe,
    works_piece_moe_service,
    works_piece_refuse,
    works_piece_suspend,
    works_piece_take,
    works_piece_validate,
)
from invoices.works.preflight import works_ready
from invoices.works.submission import works_piece_queue

__all__ = [
    "NotReady",
    "StatementLocked",
    "works_piece_answer",
    "works_piece_complete",
    "works_piece_fix_moe",
    "works_piece_moe_service",
    "works_piece_refuse",
    "works_piece_suspend",
    "works_piece_take",
    "works_piece_validate",
    "works_statement_attach",
    "works_statement_delete",
    "works_statement_send",
    "works_statement_start",
    "works_statement_update",
]


class NotReady(Exception):
    """The pre-flight check does not pass: nothing was queued."""


def works_statement_send(*, invoice: Invoice, user) -> bool:
    """Queue a checked statement; a worker sends it. False when it was queued already."""
    if not works_ready(invoice=invoice):
        raise NotReady(invoice.pk)
    return works_piece_queue(invoice=invoice, user=user)
