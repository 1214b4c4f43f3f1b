"""Celery tasks of sending: thin adapters that own retry policy only."""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.retries import WORK_TASK, RetryLater
from invoices.sending.resync import RESYNC_TASK, invoice_resync
from invoices.sending.status_sync import connections_due_for_sync, status_sync_for_connection
from invoices.sending.submission import SEND_TASK, invoice_send, submissions_lost
from portal import jobs
from structures.models import ChorusConnection

STATUS_SYNC_TASK = "invoices.status_sync"


@shared_task(name=SEND_TASK, **WORK_TASK, time_limit=1800)
def invoice_send_task(self, invoice_id: int) -> str:
    try:
        return invoice_send(invoice_id=invoice_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name="invoices.submissions_resume", ignore_result=True)
def submissions_resume() -> int:
    """Beat entry: re-enqueue submissions whose task was lost (broker flushed, worker gone)."""
    lost = submissions_lost()
    for invoice_id in lost:
        jobs.send(SEND_TASK, (invoice_id,))
    return len(lost)


@shared_task(name="invoices.status_sync_all", ignore_result=True)
def status_sync_all() -> int:
    """Beat entry point: one sync task per technical account that is due."""
    due = connections_due_for_sync()
    for connection in due:
        jobs.send(STATUS_SYNC_TASK, (connection.pk,))
    return len(due)


@shared_task(name=STATUS_SYNC_TASK, bind=True, acks_late=True, max_retries=3, ignore_result=True)
def status_sync_task(self, connection_id: int) -> None:
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    try:
        status_sync_for_connection(connection=connection)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None


@shared_task(name=RESYNC_TASK, bind=True, acks_late=True, max_retries=5, ignore_result=True)
def invoice_resync_task(self, invoice_id: int) -> bool:
    try:
        return invoice_resync(invoice_id=invoice_id)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None
