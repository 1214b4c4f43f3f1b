"""Celery tasks carrying decisions on sent invoices to Chorus Pro (invoices/actions/services.py)."""

from celery import shared_task

from invoices.retries import RetryLater
from invoices.sending.tasks import WORK_TASK


def _register_handlers() -> None:
    # The handlers register themselves when their module is imported.
    import invoices.answers.services
    import invoices.treatment.services  # noqa: F401


@shared_task(**WORK_TASK, time_limit=600)
def invoice_action_task(self, action_id: int) -> str:
    from invoices.actions.services import action_run

    _register_handlers()
    try:
        return action_run(action_id=action_id)
    except RetryLater as later:
        raise self.retry(exc=later.error, countdown=later.delay) from None


@shared_task(ignore_result=True)
def actions_resume() -> int:
    """Beat entry: re-enqueue actions whose task was lost."""
    from invoices.actions.services import actions_lost

    lost = actions_lost()
    for action_id in lost:
        invoice_action_task.delay(action_id)
    return len(lost)
