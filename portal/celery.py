"""The Celery application. The periodic schedule lives here and nowhere else."""

import os

from celery import Celery, bootsteps
from celery.schedules import crontab

from portal.health import HEARTBEAT_SECONDS, heartbeat_record

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py, and one tasks module per capability of the invoices app.
INVOICE_TASK_PACKAGES = tuple(
    f"invoices.{capability}"
    for capability in (
        "actions",
        "documents",
        "drafting",
        "flows",
        "inbox",
        "sending",
        "treatment",
        "commitments",
        "lists",
    )
)
app.autodiscover_tasks()
app.autodiscover_tasks(list(INVOICE_TASK_PACKAGES))


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Each worker records its own heartbeat on a timer, whether or not beat sends it work, so
    the health check can tell a stopped worker from a stopped beat."""

    requires = {"celery.worker.components:Timer"}

    def start(self, worker):
        heartbeat_record(source="worker")
        worker.timer.call_repeatedly(
            HEARTBEAT_SECONDS, heartbeat_record, kwargs={"source": "worker"}
        )


app.steps["worker"].add(WorkerHeartbeat)

# Tasks are named explicitly (``name=`` on each, a constant beside the service that queues it):
# messages already in the broker keep their meaning when a module moves.
app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "portal.tasks.record_heartbeat", "schedule": 30.0},
    # Each account decides how often it is really polled (invoices/sending/status_sync.py).
    "invoice-status-sync": {"task": "invoices.status_sync_all", "schedule": 30.0},
    # Work whose task was lost (invoices/retries.py): a lost task is found within
    # LOST_AFTER (60 s) plus this interval, a killed worker's work within its 30 s lease plus it.
    "invoice-submissions-resume": {"task": "invoices.submissions_resume", "schedule": 15.0},
    "invoice-actions-resume": {"task": "invoices.actions_resume", "schedule": 15.0},
    "invoice-downloads-resume": {"task": "invoices.downloads_resume", "schedule": 15.0},
    # Received invoices and invoices to validate, per recipient / validator account.
    "invoice-inbox-sync": {"task": "invoices.inbox_sync_all", "schedule": 30.0},
    "invoice-inbox-details-resume": {"task": "invoices.inbox_details_resume", "schedule": 60.0},
    # Flows whose deposit task was lost, and flow reports of deposited files
    # (consulterCRDetaille) until each flow is settled, each when due.
    "invoice-flows-poll": {"task": "invoices.flows_poll", "schedule": 15.0},
    # Once a day: the reminder sends only on the exact days 30, 15, 7, 3, 1 before expiry, so
    # this single daily run is what makes each reminder go out once.
    "chorus-password-expiry-mail": {
        "task": "structures.password_expiry_notify_all",
        "schedule": crontab(hour=7, minute=30),
    },
    # Once a day: drafts opened by "New invoice" and left empty for a day.
    "invoice-empty-drafts-clean": {
        "task": "invoices.empty_drafts_clean",
        "schedule": crontab(hour=3, minute=40),
    },
    # Once a day: each structure's own Chorus Pro data (id, routing rules, password expiry, bank
    # accounts for suppliers).
    "chorus-own-structures-refresh": {
        "task": "structures.own_structures_refresh_all",
        "schedule": crontab(hour=6, minute=15),
    },
    # The change rows of the supplier's status counts, folded (invoices/lists/counts.py).
    "invoice-status-counts-compact": {"task": "invoices.status_counts_compact", "schedule": 300.0},
}
