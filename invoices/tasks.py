"""Celery tasks: thin adapters that own retry policy only."""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.services.submission import invoice_send, submissions_stalled

# Redis redelivers a task whose worker died (acks_late): invoice_send is safe to run twice.


@shared_task(bind=True, acks_late=True, max_retries=20, ignore_result=True)
def invoice_send_task(self, invoice_id: int) -> str:
    try:
        return invoice_send(invoice_id=invoice_id)
    except ChorusTransientError as error:
        # Chorus Pro's Retry-After when it gives one, otherwise exponential up to 10 minutes.
        countdown = error.retry_after or min(600, 5 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None


@shared_task(ignore_result=True)
def submissions_resume() -> int:
    """Re-enqueue submissions whose task was lost (broker flushed, worker gone for good)."""
    stalled = submissions_stalled()
    for invoice_id in stalled:
        invoice_send_task.delay(invoice_id)
    return len(stalled)


@shared_task(ignore_result=True)
def status_sync_all() -> int:
    """Beat entry point: one sync task per technical account that is due."""
    from invoices.services.status_sync import connections_due_for_sync

    due = connections_due_for_sync()
    for connection in due:
        status_sync_task.delay(connection.pk)
    return len(due)


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True)
def status_sync_task(self, connection_id: int) -> None:
    from invoices.services.status_sync import status_sync_for_connection
    from structures.models import ChorusConnection

    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    try:
        status_sync_for_connection(connection=connection)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None


@shared_task(bind=True, acks_late=True, max_retries=3, ignore_result=True, time_limit=120)
def commitment_check_task(self, invoice_id: int, number: str) -> None:
    """The supplier is watching the editor: a few quick retries, then "could not tell"."""
    from invoices.services.commitments import commitment_check_give_up, commitment_check_run

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

    from invoices.services.draft_cleanup import invoice_empty_drafts_delete

    return invoice_empty_drafts_delete(older_than=timedelta(days=1))
