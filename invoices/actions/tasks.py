"""Celery tasks carrying decisions on sent invoices to Chorus Pro (invoices/actions/services.py)."""

from celery import shared_task

# The handlers of each kind of action register themselves when their module is imported.
import invoices.answers.recycling
import invoices.answers.services
import invoices.answers.validator_correction
import invoices.treatment.services
import invoices.works.moves  # noqa: F401
from invoices.actions.services import ACTION_TASK, action_run, actions_lost
from invoices.retries import WORK_TASK, RetryLater
from portal import jobs


@shared_task(name=ACTION_TASK, **WORK_TASK, time_limit=600)
def invoice_action_task(self, action_id: int) -> str:
    try:
        return action_run(action_id=action_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(name="invoices.actions_resume", ignore_result=True)
def actions_resume() -> int:
    """Beat entry: re-enqueue actions whose task was lost."""
    lost = actions_lost()
    for action_id in lost:
        jobs.send(ACTION_TASK, (action_id,))
    return len(lost)
