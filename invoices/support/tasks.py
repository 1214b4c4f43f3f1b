"""Celery tasks behind the back-office's support operations (invoices/support/services.py)."""

from celery import shared_task

from chorus_client import ChorusTransientError


@shared_task(bind=True, acks_late=True, max_retries=5, ignore_result=True)
def invoice_resync_task(self, invoice_id: int) -> bool:
    from invoices.support.services import invoice_resync

    try:
        return invoice_resync(invoice_id=invoice_id)
    except ChorusTransientError as error:
        raise self.retry(exc=error, countdown=error.retry_after or 30) from None
