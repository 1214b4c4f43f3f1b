"""Celery tasks fetching documents from Chorus Pro (invoices/documents/downloads.py)."""

from celery import shared_task

from invoices.retries import RetryLater
from invoices.sending.tasks import WORK_TASK


@shared_task(**WORK_TASK, time_limit=3600)
def invoice_download_task(self, download_id: int) -> str:
    from invoices.documents.downloads import invoice_download_run

    try:
        return invoice_download_run(download_id=download_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(ignore_result=True)
def downloads_resume() -> int:
    """Beat entry: re-enqueue downloads whose task was lost."""
    from invoices.documents.downloads import downloads_lost

    lost = downloads_lost()
    for download_id in lost:
        invoice_download_task.delay(download_id)
    return len(lost)
