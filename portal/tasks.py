from celery import shared_task

from portal.health import heartbeat_record


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Proves that a worker consumes the queue; the back-office shows when it last did."""
    heartbeat_record()
