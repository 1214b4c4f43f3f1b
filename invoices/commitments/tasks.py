"""Celery tasks of commitments: thin adapters that own retry policy only."""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.commitments.reading import (
    COMMITMENT_READ_TASK,
    commitment_reading_give_up,
    commitment_reading_refresh,
)


@shared_task(
    name=COMMITMENT_READ_TASK,
    bind=True,
    acks_late=True,
    max_retries=3,
    ignore_result=True,
    time_limit=120,
)
def commitment_read_task(self, connection_id: int, invoice_id: int) -> None:
    """Someone has the invoice's page open: a few quick retries, then "could not be reached"."""
    try:
        commitment_reading_refresh(connection_id=connection_id, invoice_id=invoice_id)
    except ChorusTransientError as error:
        if self.request.retries >= self.max_retries:
            commitment_reading_give_up(connection_id=connection_id, invoice_id=invoice_id)
            return
        raise self.retry(exc=error, countdown=min(error.retry_after or 5, 30)) from None
