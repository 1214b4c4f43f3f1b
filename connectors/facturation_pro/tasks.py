"""Celery tasks of the Facturation.pro connector: thin adapters that load by id, call one service
and own the retry policy. A 429 from Facturation.pro is waited out for the seconds it asked."""

import logging

from celery import shared_task

from connectors.facturation_pro.catalogue import fpro_catalogue_sync
from connectors.facturation_pro.connection import (
    CATALOGUE_SYNC_TASK,
    CONNECTION_TEST_TASK,
    fpro_catalogue_request,
    fpro_connection_test_run,
)
from connectors.facturation_pro.importing import (
    IMPORT_RUN_TASK,
    fpro_import_request,
    fpro_import_run,
    fpro_imports_lost,
)
from connectors.facturation_pro.models import FproConnection, FproImportRun
from connectors.facturation_pro.remote import error_outcome, retry_delay
from connectors.facturation_pro.write_back import (
    WRITE_BACK_TASK,
    WriteBackRetry,
    write_back_run,
    write_backs_lost,
)
from facturation_pro_client import FacturationProError, FacturationProTransientError
from portal import jobs

logger = logging.getLogger(__name__)


def _connection(connection_id: int) -> FproConnection | None:
    return FproConnection.objects.select_related("structure").filter(pk=connection_id).first()


@shared_task(name=CONNECTION_TEST_TASK, ignore_result=True, soft_time_limit=60, time_limit=90)
def connection_test(connection_id: int) -> None:
    """Test an account; the outcome is the answer, so no retry."""
    connection = _connection(connection_id)
    if connection is not None:
        fpro_connection_test_run(connection=connection)


@shared_task(
    name=CATALOGUE_SYNC_TASK,
    bind=True,
    acks_late=True,
    max_retries=6,
    ignore_result=True,
    soft_time_limit=600,
    time_limit=660,
)
def catalogue_sync(self, connection_id: int, recent_only: bool = False) -> None:
    """Read the account's invoices to public entities; then, when the account asks for it,
    import the new ones."""
    connection = _connection(connection_id)
    if connection is None:
        return
    try:
        fpro_catalogue_sync(connection=connection, recent_only=recent_only)
    except FacturationProTransientError as error:
        FproConnection.objects.filter(pk=connection.pk).update(
            catalogue_error=error_outcome(error)[0]
        )
        raise self.retry(countdown=retry_delay(error, self.request.retries)) from error
    except FacturationProError as error:
        FproConnection.objects.filter(pk=connection.pk).update(
            catalogue_error=error_outcome(error)[0]
        )
        return
    if connection.auto_import:
        fpro_import_request(connection=connection, user=None, automatic=True)


@shared_task(name=IMPORT_RUN_TASK, acks_late=True, ignore_result=True, time_limit=3600)
def import_run(run_id: int) -> None:
    """Import a run's queued invoices (nothing is asked of Facturation.pro: the invoices were
    read with their lines)."""
    if FproImportRun.objects.filter(pk=run_id).exists():
        fpro_import_run(run_id=run_id)


@shared_task(name=WRITE_BACK_TASK, bind=True, acks_late=True, max_retries=20, ignore_result=True)
def write_back(self, write_back_id: int) -> str:
    try:
        return write_back_run(write_back_id=write_back_id)
    except WriteBackRetry as retry:
        raise self.retry(countdown=retry.seconds) from retry


@shared_task(name="facturation_pro.sync_all", ignore_result=True)
def sync_all() -> int:
    """Beat: read every tested account's recent invoices again (and import new ones where
    asked)."""
    connections = FproConnection.objects.filter(test_outcome=FproConnection.TestOutcome.OK)
    for connection in connections:
        fpro_catalogue_request(connection=connection, recent_only=True)
    return len(connections)


@shared_task(name="facturation_pro.write_backs_resume", ignore_result=True)
def write_backs_resume() -> int:
    """Beat: hand out again the writes whose task was lost."""
    ids = write_backs_lost()
    for write_back_id in ids:
        jobs.send(WRITE_BACK_TASK, (write_back_id,))
    return len(ids)


@shared_task(name="facturation_pro.imports_resume", ignore_result=True)
def imports_resume() -> int:
    """Beat: play again the import runs whose worker died or whose task was lost."""
    ids = fpro_imports_lost()
    for run_id in ids:
        jobs.send(IMPORT_RUN_TASK, (run_id,))
    return len(ids)
