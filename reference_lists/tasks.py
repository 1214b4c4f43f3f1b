"""Celery task of the reference lists: a thin adapter, scheduled daily in portal/celery.py."""

from celery import shared_task

from reference_lists import services


@shared_task(
    name=services.REFERENCE_LISTS_REFRESH_TASK,
    ignore_result=True,
    soft_time_limit=300,
    time_limit=330,
)
def reference_lists_refresh() -> None:
    """Read every reference list from Chorus Pro; nobody waits, safe to run twice. A list Chorus
    Pro did not give keeps its copy until the next daily run (no retry here)."""
    services.reference_lists_refresh()
