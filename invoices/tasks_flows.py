"""Celery tasks for batch deposits of invoice files: thin adapters owning retry policy only.

Every service here is safe to run twice (claims by conditional UPDATE), as Redis may redeliver
a task whose worker died (acks_late).
"""

from celery import shared_task

from chorus_client import ChorusTransientError
from invoices.services.flows import flow_report_poll, flow_send, flows_due, flows_stalled


@shared_task(bind=True, acks_late=True, max_retries=20, ignore_result=True)
def flow_send_task(self, flow_id: int) -> str:
    try:
        return flow_send(flow_id=flow_id)
    except ChorusTransientError as error:
        # Chorus Pro's Retry-After when it gives one, otherwise exponential up to 10 minutes.
        countdown = error.retry_after or min(600, 5 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None


@shared_task(acks_late=True, ignore_result=True)
def flow_poll_task(flow_id: int) -> str:
    try:
        return flow_report_poll(flow_id=flow_id)
    except ChorusTransientError:
        return "transient"  # the flow's next poll was pushed back; the beat asks again


@shared_task(ignore_result=True)
def flows_poll() -> int:
    """Beat entry point: resume deposits whose task was lost, poll the reports that are due."""
    for flow_id in flows_stalled():
        flow_send_task.delay(flow_id)
    due = flows_due()
    for flow_id in due:
        flow_poll_task.delay(flow_id)
    return len(due)
