"""The works contract's demo history (played by portal/demo/history.py before the invoices'):
the contractor's first monthly statement went through the MOE and the MOA and was paid; its
second waits for the MOE, whose contractual deadline counts down; a third is a draft.

Each step moves both clocks, then acts through the portal's services as the user would; the
worker's tasks run in this process, and the works and inbox syncs run a quarter of an hour later,
as the beat would.
"""

from datetime import datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from invoices.actions.services import action_queue, action_run
from invoices.models import Invoice, InvoiceAction, WorksContract
from invoices.works.services import (
    works_piece_answer,
    works_statement_send,
    works_statement_start,
    works_statement_update,
)
from invoices.works.submission import works_piece_send
from invoices.works.sync import works_sync_for_connection
from portal.demo.works import CONTRACTOR, OWNER_SIRET, PROJECT_MANAGER
from structures.models import ChorusConnection, Structure

SYNC_AFTER = timedelta(minutes=15)


def _moment(today, days_ago: int, at: str) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    day = today - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, clock_time(hour, minute)))


class WorksHistory:
    def __init__(self, clocks) -> None:
        self.clocks = clocks
        self.contract = WorksContract.objects.get(number="MT-2026-014")
        self.users = {
            name: User.objects.get(username=name) for name in ("entreprise", "moe", "commune")
        }
        self.structures = {
            siret: Structure.objects.get(siret=siret)
            for siret in (CONTRACTOR[0], PROJECT_MANAGER[0], OWNER_SIRET)
        }

    def at(self, days_ago: int, time: str) -> None:
        # From the wall clock's day: timezone.localdate() follows the moved clock.
        today = timezone.localdate(self.clocks.real_now())
        self.clocks.set(_moment(today, days_ago, time))

    def beat(self) -> None:
        self.clocks.set(self.clocks.now() + SYNC_AFTER)
        for siret in self.structures:
            connection = ChorusConnection.objects.select_related("structure").get(
                structure__siret=siret
            )
            # Only the works sync: the owner's inbox sync would set its watermark weeks after
            # the invoices' history, which is played next from four months ago.
            works_sync_for_connection(connection=connection)

    def statement(self, cumulative: str, *, send: bool = True) -> Invoice:
        invoice = works_statement_start(contract=self.contract, user=self.users["entreprise"])
        works_statement_update(
            invoice=invoice,
            cumulative=Decimal(cumulative),
            period_end=timezone.localdate(),
            number=invoice.number,
            issue_date=timezone.localdate(),
        )
        if send:
            works_statement_send(invoice=invoice, user=self.users["entreprise"])
            works_piece_send(invoice_id=invoice.pk)  # done already when tasks run eagerly
        return invoice

    def answer(self, invoice: Invoice, siret: str, user: str, cumulative: str | None) -> Invoice:
        invoice.refresh_from_db()
        answer = works_piece_answer(
            piece=invoice.works,
            structure=self.structures[siret],
            user=self.users[user],
            cumulative=Decimal(cumulative) if cumulative else None,
        )
        works_piece_send(invoice_id=answer.pk)
        return answer

    def play(self) -> None:
        self.at(34, "09:10")
        first = self.statement("200000.00")
        self.beat()
        self.at(31, "14:30")
        moe_statement = self.answer(first, PROJECT_MANAGER[0], "moe", "190000.00")
        self.beat()
        self.at(26, "10:00")
        payable = self.answer(moe_statement, OWNER_SIRET, "commune", None)
        self.beat()
        self.at(19, "11:20")
        action = action_queue(
            invoice=payable,
            kind=InvoiceAction.Kind.TREAT,
            user=self.users["commune"],
            payload={"target_status": "MISE_EN_PAIEMENT", "from_status": "MISE_A_DISPOSITION"},
        )
        action_run(action_id=action.pk)
        self.beat()
        self.at(2, "16:45")
        self.statement("420000.00")
        self.beat()
        self.clocks.set(self.clocks.real_now() - timedelta(hours=3))
        self.statement("560000.00", send=False)


def works_history_play(clocks) -> None:
    """Play the works contract's history once (the caller plays it with the demo's)."""
    WorksHistory(clocks).play()
