"""Celery tasks carrying decisions on sent invoices to Chorus Pro (invoices/services/actions.py)."""

from celery import shared_task

from chorus_client import ChorusTransientError


def _register_handlers() -> None:
    # The handlers register themselves when their module is imported.
    import invoices.services.supplier_actions
    import invoices.services.treatment  # noqa: F401


@shared_task(bind=True, acks_late=True, max_retries=20, ignore_result=True)
def invoice_action_task(self, action_id: int) -> str:
    from invoices.services.actions import action_run

    _register_handlers()
    try:
        return action_run(action_id=action_id)
    except ChorusTransientError as error:
        countdown = error.retry_after or min(600, 5 * 2**self.request.retries)
        raise self.retry(exc=error, countdown=countdown) from None


@shared_task(ignore_result=True)
def actions_resume() -> int:
    """Beat entry: re-enqueue actions whose task was lost."""
    from invoices.services.actions import actions_stalled

    stalled = actions_stalled()
    for action_id in stalled:
        invoice_action_task.delay(action_id)
    return len(stalled)
