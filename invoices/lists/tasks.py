"""Celery task of the lists: folding the status counts' change rows (invoices/lists/counts.py)."""

from celery import shared_task
from django.utils import timezone

from invoices.lists.counts import status_counts_compact


@shared_task(name="invoices.status_counts_compact", ignore_result=True)
def status_counts_compact_task() -> int:
    """Every few minutes (beat): the summary then sums a few rows per status, not every change."""
    return status_counts_compact(today=timezone.localdate())
