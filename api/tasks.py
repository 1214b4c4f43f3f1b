"""Celery tasks of the API app: thin adapters calling one service."""

from celery import shared_task

from api.housekeeping import PRUNE_TASK, api_records_prune


@shared_task(name=PRUNE_TASK, ignore_result=True, soft_time_limit=600, time_limit=660)
def api_prune() -> dict[str, int]:
    return api_records_prune()
