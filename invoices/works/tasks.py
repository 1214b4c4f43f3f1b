"""Celery tasks of works invoices: thin adapters that own retry policy only."""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.retries import WORK_TASK, RetryLater
from invoices.works.reasons import REASONS_FETCH_TASK, refusal_reasons_fetch
from invoices.works.submission import WORKS_SEND_TASK, works_piece_send, works_submissions_lost
from invoices.works.sync import WORKS_SYNC_TASK, works_connections, works_sync_for_connection
from portal import jobs
from structures.models import ChorusConnection


@shared_task(name=WORKS_SEND_TASK, **WORK_TASK, time_limit=1800)
def works_piece_send_task(self, invoice_id: int) -> str:
    try:
        return works_piece_send(invoice_id=invoice_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name="invoices.works.submissions_resume", ignore_result=True)
def works_submissions_resume() -> int:
    """Beat entry: re-enqueue works pieces whose sending task was lost."""
    lost = works_submissions_lost()
    for invoice_id in lost:
        jobs.send(WORKS_SEND_TASK, (invoice_id,))
    return len(lost)


@shared_task(name="invoices.works.sync_all", ignore_result=True)
def works_sync_all() -> int:
    """Beat entry: one works sync per account of a party to a works contract."""
    connections = works_connections()
    for connection in connections:
        jobs.send(WORKS_SYNC_TASK, (connection.pk,))
    return len(connections)


@shared_task(name=WORKS_SYNC_TASK, bind=True, acks_late=True, max_retries=3, ignore_result=True)
def works_sync_task(self, connection_id: int) -> None:
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    try:
        works_sync_for_connection(connection=connection)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None


@shared_task(name=REASONS_FETCH_TASK, bind=True, acks_late=True, max_retries=3, ignore_result=True)
def works_reasons_fetch_task(self, connection_id: int) -> None:
    connection = ChorusConnection.objects.get(pk=connection_id)
    try:
        refusal_reasons_fetch(connection=connection)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None
