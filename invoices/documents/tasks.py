"""Celery tasks fetching documents from Chorus Pro (invoices/documents/downloads.py)."""

from celery import shared_task

from invoices.documents.downloads import DOWNLOAD_TASK, downloads_lost, invoice_download_run
from invoices.retries import WORK_TASK, RetryLater
from portal import jobs


@shared_task(name=DOWNLOAD_TASK, **WORK_TASK, time_limit=3600)
def invoice_download_task(self, download_id: int) -> str:
    try:
        return invoice_download_run(download_id=download_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name="invoices.downloads_resume", ignore_result=True)
def downloads_resume() -> int:
    """Beat entry: re-enqueue downloads whose task was lost."""
    lost = downloads_lost()
    for download_id in lost:
        jobs.send(DOWNLOAD_TASK, (download_id,))
    return len(lost)
