"""Celery adapters for webhook deliveries: ids in, one service call, retry policy only."""

from celery import shared_task

from portal.jobs import enqueue
from webhooks.delivery import deliveries_due, delivery_attempt, events_clean
from webhooks.events import DELIVER_TASK

DUE_TASK = "webhooks.deliveries_due"
CLEAN_TASK = "webhooks.events_clean"


@shared_task(name=DELIVER_TASK, acks_late=True, ignore_result=True, time_limit=60)
def deliver_task(delivery_id: int) -> str:
    # No Celery retry: a failed attempt is scheduled in the row, and the sweep queues it.
    return delivery_attempt(delivery_id=delivery_id)


@shared_task(name=DUE_TASK, ignore_result=True, time_limit=60)
def deliveries_due_task() -> int:
    due = deliveries_due()
    for delivery_id in due:
        enqueue(DELIVER_TASK, delivery_id)
    return len(due)


@shared_task(name=CLEAN_TASK, ignore_result=True, time_limit=600)
def events_clean_task() -> int:
    return events_clean()
