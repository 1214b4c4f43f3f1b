"""The worker side: tasks found by name, the periodic sweep queues what is due."""

from datetime import timedelta

from django.utils import timezone

from portal.celery import app
from portal.jobs import task_registered
from tests.jobs import queued_ids
from webhooks.events import DELIVER_TASK
from webhooks.models import Delivery, Endpoint
from webhooks.tasks import DUE_TASK, deliver_task, deliveries_due_task


def test_the_tasks_are_found_by_name_and_the_sweep_is_scheduled():
    assert task_registered(DELIVER_TASK).name == deliver_task.name
    assert task_registered(DUE_TASK).name == deliveries_due_task.name
    schedules = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedules[DUE_TASK] <= 30


def test_the_sweep_queues_due_retries_and_lost_first_attempts_only(
    world, endpoint_for, make_invoice, monkeypatch, django_capture_on_commit_callbacks
):
    from invoices.models import StatusEvent

    endpoint, _secret = endpoint_for(world["supplier"], "https://example.test/hooks")
    invoice = make_invoice(world["supplier"])
    for status in ("MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
        StatusEvent.objects.create(
            invoice=invoice, status=status, occurred_at=timezone.now(), source="chorus"
        )
    fresh, lost, retry, later = Delivery.objects.filter(event__type="invoice.status_changed")
    now = timezone.now()
    Delivery.objects.filter(pk=lost.pk).update(next_attempt_at=now - timedelta(minutes=2))
    Delivery.objects.filter(pk=retry.pk).update(tries=1, next_attempt_at=now)
    Delivery.objects.filter(pk=later.pk).update(tries=1, next_attempt_at=now + timedelta(hours=1))
    Delivery.objects.exclude(pk__in=[fresh.pk, lost.pk, retry.pk, later.pk]).delete()

    queued = queued_ids(monkeypatch, DELIVER_TASK)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_due_task() == 2
    assert sorted(queued) == sorted([lost.pk, retry.pk])

    # A disabled endpoint's deliveries wait for it.
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    queued.clear()
    assert deliveries_due_task() == 0


def test_finished_events_are_removed_after_the_keeping_period(
    world, endpoint_for, make_invoice, settings
):
    from invoices.models import StatusEvent
    from webhooks.models import Event
    from webhooks.tasks import events_clean_task

    settings.WEBHOOKS_KEEP_DAYS = 30
    endpoint_for(world["supplier"], "https://example.test/hooks", ["invoice.status_changed"])
    invoice = make_invoice(world["supplier"])
    for status in ("MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE"):
        StatusEvent.objects.create(
            invoice=invoice, status=status, occurred_at=timezone.now(), source="chorus"
        )
    old_done, old_pending, recent = Event.objects.order_by("created_at")
    Event.objects.filter(pk__in=[old_done.pk, old_pending.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    Delivery.objects.filter(event__in=[old_done, recent]).update(status="delivered")

    assert events_clean_task() == 1
    assert set(Event.objects.values_list("pk", flat=True)) == {old_pending.pk, recent.pk}
