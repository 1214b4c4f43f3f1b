"""Celery tasks of notifications: thin adapters."""

from celery import shared_task

from invoices.notifications.preferences import DIGEST_TASK
from invoices.notifications.services import notice_digests_send, weekly_recaps_send
from invoices.notifications.weekly import WEEKLY_TASK


@shared_task(name=DIGEST_TASK, ignore_result=True, time_limit=600)
def notifications_digest() -> int:
    """Daily (beat): one e-mail per person who chose a digest, with the day's notices."""
    return notice_digests_send()


@shared_task(name=WEEKLY_TASK, ignore_result=True, time_limit=900)
def notifications_weekly_recap() -> int:
    """Weekly (beat): the recap of their structures to the managers who asked for it."""
    return weekly_recaps_send()
