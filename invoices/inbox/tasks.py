"""Celery tasks syncing received invoices and invoices to validate: thin adapters, retry policy
only. The work and its safety (one cycle per account at a time, watermark moved only on success,
rows found by their Chorus Pro id) live in the other modules of invoices/inbox/."""

from celery import shared_task
from django.core.cache import cache

from chorus_client import ChorusTransientError
from invoices.inbox.report import DETAILS_TASK
from invoices.inbox.services import (
    SIDES,
    VALIDATOR,
    connections_due_for_inbox_sync,
    inbox_details_fetch,
    inbox_details_resume,
    inbox_sync_for_connection,
    validations_sync_for_connection,
)
from invoices.retries import WORK_TASK, RetryLater
from portal import jobs
from structures.models import ChorusConnection

INBOX_SYNC_TASK = "invoices.inbox_sync"
# Beat runs inbox_sync_all every 30 s; an account already queued is not queued again within
# this many seconds, so a slow cycle does not pile copies of itself up in the broker.
QUEUED_MARK_SECONDS = 60


@shared_task(name="invoices.inbox_sync_all", ignore_result=True)
def inbox_sync_all() -> int:
    """Beat entry point: one task per recipient or validator account that is due."""
    queued = 0
    for side in SIDES:
        for connection in connections_due_for_inbox_sync(side=side):
            if cache.add(f"inbox-sync-queued:{side}:{connection.pk}", 1, QUEUED_MARK_SECONDS):
                jobs.send(INBOX_SYNC_TASK, (connection.pk, side))
                queued += 1
    return queued


@shared_task(name=INBOX_SYNC_TASK, bind=True, acks_late=True, max_retries=3, ignore_result=True)
def inbox_sync_task(self, connection_id: int, side: str) -> None:
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    sync = validations_sync_for_connection if side == VALIDATOR else inbox_sync_for_connection
    try:
        sync(connection=connection)
    except ChorusTransientError as error:
        # The watermark did not move: the retry (or the next due cycle) asks the same question.
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None


@shared_task(name=DETAILS_TASK, **WORK_TASK, time_limit=1800)
def inbox_details_task(self, connection_id: int, side: str, invoice_ids: list[int]) -> int:
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    try:
        # The retry reads only the invoices of the batch still without details.
        return inbox_details_fetch(
            connection=connection,
            invoice_ids=invoice_ids,
            side=side,
            attempt=self.request.retries + 1,
        )
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name="invoices.inbox_details_resume", ignore_result=True)
def inbox_details_resume_task() -> int:
    """Beat entry: queue again the details of received invoices whose task was lost."""
    return inbox_details_resume()
