"""Celery tasks: thin adapters that own retry policy only."""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.retries import RetryLater
from invoices.sending.submission import invoice_send, submissions_lost

# Redis redelivers a task whose worker died (acks_late): invoice_send is safe to run twice.
# Tasks carrying work to Chorus Pro retry until it is done (no max_retries): the row holds when
# the next attempt is due, the service sets it (backoff, Retry-After), the task only waits for
# it. The time limit ends a worker stuck for good, and with it the lease it keeps.
WORK_TASK = {"bind": True, "acks_late": True, "max_retries": None, "ignore_result": True}


@shared_task(**WORK_TASK, time_limit=1800)
def invoice_send_task(self, invoice_id: int) -> str:
    try:
        return invoice_send(invoice_id=invoice_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(ignore_result=True)
def submissions_resume() -> int:
    """Beat entry: re-enqueue submissions whose task was lost (broker flushed, worker gone)."""
    lost = submissions_lost()
    for invoice_id in lost:
        invoice_send_task.delay(invoice_id)
    return len(lost)


@shared_task(ignore_result=True)
def status_sync_all() -> int:
    """Beat entry point: one sync task per technical account that is due."""
    from invoices.sending.status_sync import connections_due_for_sync

    due = connections_due_for_sync()
    for connection in due:
        status_sync_task.delay(connection.pk)
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True)
def status_sync_task(self, connection_id: int) -> None:
    from invoices.sending.status_sync import status_sync_for_connection
    from structures.models import ChorusConnection

    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    try:
        status_sync_for_connection(connection=connection)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True, time_limit=120)
def commitment_check_task(self, invoice_id: int, number: str) -> None:
    """The supplier is watching the editor: a few quick retries, then "could not tell"."""
    from invoices.drafting.commitments import commitment_check_give_up, commitment_check_run

    try:
        commitment_check_run(invoice_id=invoice_id, number=number)
    except ChorusTransientError as error:
        if self.request.retries >= self.max_retries:
            commitment_check_give_up(invoice_id=invoice_id, number=number)
            return
        raise self.retry(exc=error, countdown=min(error.retry_after or 5, 30)) from None


@shared_task(ignore_result=True)
def empty_drafts_clean() -> int:
    """Daily (beat): drafts opened by "New invoice" and left without anything typed."""
    from datetime import timedelta

    from invoices.drafting.cleanup import invoice_empty_drafts_delete

    return invoice_empty_drafts_delete(older_than=timedelta(days=1))
