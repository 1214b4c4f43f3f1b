"""Celery tasks for batch deposits of invoice files: thin adapters owning retry policy only.

Every service here is safe to run twice (claims by conditional UPDATE), as Redis may redeliver
a task whose worker died (acks_late).
"""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.flows.services import flow_report_poll, flow_send, flows_due, flows_lost
from invoices.retries import RetryLater
from invoices.sending.tasks import WORK_TASK


@shared_task(**WORK_TASK, time_limit=1800)
def flow_send_task(self, flow_id: int) -> str:
    try:
        return flow_send(flow_id=flow_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(acks_late=True, ignore_result=True)
def flow_poll_task(flow_id: int) -> str:
    try:
        return flow_report_poll(flow_id=flow_id)
    except ChorusTransientError:
        return "transient"  # the flow's next poll was pushed back; the beat asks again


@shared_task(ignore_result=True)
def flows_poll() -> int:
    """Beat entry point: resume deposits whose task was lost, poll the reports that are due."""
    for flow_id in flows_lost():
        flow_send_task.delay(flow_id)
    due = flows_due()
    for flow_id in due:
        flow_poll_task.delay(flow_id)
    return len(due)
