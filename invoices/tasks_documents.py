"""Celery tasks fetching documents from Chorus Pro (invoices/services/downloads.py)."""

from celery import shared_task

from chorus_client import ChorusTransientError


@shared_task(bind=True, acks_late=True, max_retries=20, ignore_result=True)
def invoice_download_task(self, download_id: int) -> str:
    from invoices.services.downloads import invoice_download_run

    try:
        return invoice_download_run(download_id=download_id)
    except ChorusTransientError as error:
        countdown = error.retry_after or min(600, 5 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None


@shared_task(ignore_result=True)
def downloads_resume() -> int:
    """Beat entry: re-enqueue downloads whose task was lost."""
    from invoices.services.downloads import downloads_stalled

    stalled = downloads_stalled()
    for download_id in stalled:
        invoice_download_task.delay(download_id)
    return len(stalled)
