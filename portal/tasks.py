from celery import shared_task

from portal.health import heartbeat_record


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Scheduled by beat, run by a worker: proves that beat schedules (the health check)."""
    heartbeat_record(source="beat")
