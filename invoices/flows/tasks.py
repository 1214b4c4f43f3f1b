"""Celery tasks for batch deposits of invoice files: thin adapters owning retry policy only.

Every service here is safe to run twice (claims by conditional UPDATE), as Redis may redeliver
a task whose worker died (acks_late).
"""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.flows.deposit import FLOW_SEND_TASK
from invoices.flows.services import flow_report_poll, flow_send, flows_due, flows_lost
from invoices.retries import WORK_TASK, RetryLater
from portal import jobs

FLOW_POLL_TASK = "invoices.flow_poll"


@shared_task(name=FLOW_SEND_TASK, **WORK_TASK, time_limit=1800)
def flow_send_task(self, flow_id: int) -> str:
    try:
        return flow_send(flow_id=flow_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name=FLOW_POLL_TASK, acks_late=True, ignore_result=True)
def flow_poll_task(flow_id: int) -> str:
    try:
        return flow_report_poll(flow_id=flow_id)
    except ChorusTransientError:
        return "transient"  # the flow's next poll was pushed back; the beat asks again


@shared_task(name="invoices.flows_poll", ignore_result=True)
def flows_poll() -> int:
    """Beat entry point: resume deposits whose task was lost, poll the reports that are due."""
    for flow_id in flows_lost():
        jobs.send(FLOW_SEND_TASK, (flow_id,))
    due = flows_due()
    for flow_id in due:
        jobs.send(FLOW_POLL_TASK, (flow_id,))
    return len(due)
