"""Celery tasks of drafting: thin adapters that own retry policy only."""

from datetime import timedelta

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.drafting.cleanup import invoice_empty_drafts_delete
from invoices.drafting.commitments import (
    COMMITMENT_CHECK_TASK,
    commitment_check_give_up,
    commitment_check_run,
)


@shared_task(
    name=COMMITMENT_CHECK_TASK,
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
    time_limit=120,
)
def commitment_check_task(self, invoice_id: int, number: str) -> None:
    """The supplier is watching the editor: a few quick retries, then "could not tell"."""
    try:
        commitment_check_run(invoice_id=invoice_id, number=number)
    except ChorusTransientError as error:
        if self.request.retries >= self.max_retries:
            commitment_check_give_up(invoice_id=invoice_id, number=number)
            return
        raise self.retry(exc=error, countdown=min(error.retry_after or 5, 30)) from None


@shared_task(name="invoices.empty_drafts_clean", ignore_result=True)
def empty_drafts_clean() -> int:
    """Daily (beat): drafts opened by "New invoice" and left without anything typed."""
    return invoice_empty_drafts_delete(older_than=timedelta(days=1))
