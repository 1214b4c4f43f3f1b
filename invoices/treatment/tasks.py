"""Celery tasks of the treatment work: Chorus Pro's lists behind decisions, fetched for the cache.

The decisions themselves go through the shared action task (invoices/actions/tasks.py).
"""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.treatment.reference import REFERENCE_FETCH_TASK, reference_fetch


@shared_task(
    name=REFERENCE_FETCH_TASK, bind=True, acks_late=True, max_retries=5, ignore_result=True
)
def reference_fetch_task(self, kind: str, connection_id: int, value: str) -> None:
    try:
        reference_fetch(kind=kind, connection_id=connection_id, value=value)
    except ChorusTransientError as error:
        countdown = error.retry_after or min(60, 2 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None
