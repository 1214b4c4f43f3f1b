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
        "works",
        "notifications",
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
    # Works pieces (invoices/works/): their own sending queue, and their own search per role.
    "works-submissions-resume": {"task": "invoices.works.submissions_resume", "schedule": 15.0},
    "works-sync": {"task": "invoices.works.sync_all", "schedule": 30.0},
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
    # Facturation.pro accounts: their invoices to public entities read again (new ones imported
    # where the supplier asked), and writes back (settlements, notes) whose task was lost.
    "facturation-pro-sync": {"task": "facturation_pro.sync_all", "schedule": 900.0},
    "facturation-pro-write-backs-resume": {
        "task": "facturation_pro.write_backs_resume",
        "schedule": 60.0,
    },
    "facturation-pro-imports-resume": {"task": "facturation_pro.imports_resume", "schedule": 300.0},
    # Webhook deliveries whose retry is due (webhooks/delivery.py), and lost first attempts.
    "webhook-deliveries-due": {"task": "webhooks.deliveries_due", "schedule": 15.0},
    # Once a day: finished webhook events past WEBHOOKS_KEEP_DAYS.
    "webhook-events-clean": {
        "task": "webhooks.events_clean",
        "schedule": crontab(hour=4, minute=10),
    },
    # Once a day: Chorus Pro's reference lists (reference_lists/), and the local copy of the
    # recipient directory (structures/directory_copy.py).
    "chorus-reference-lists-refresh": {
        "task": "reference_lists.refresh",
        "schedule": crontab(hour=5, minute=10),
    },
    "chorus-directory-copy-refresh": {
        "task": "structures.directory_copy_refresh",
        "schedule": crontab(hour=5, minute=25),
    },
    # Once a day: the integrator API's old call records, expired tokens, past rate windows.
    "api-prune": {"task": "api.prune", "schedule": crontab(hour=3, minute=50)},
    # Once a day, before the working day: the digest of those who chose one (preferences.py).
    "notifications-digest": {
        "task": "invoices.notifications_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Mondays: the managers' weekly recap of their structures (notifications/weekly.py).
    "notifications-weekly-recap": {
        "task": "invoices.notifications_weekly_recap",
        "schedule": crontab(hour=7, minute=30, day_of_week=1),
    },
    # The change rows of the supplier's status counts, folded (invoices/lists/counts.py).
    "invoice-status-counts-compact": {"task": "invoices.status_counts_compact", "schedule": 300.0},
}
