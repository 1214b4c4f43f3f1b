"""Celery tasks of the structures app: thin adapters that load by id and call one service.

Each task owns only its retry policy. All are safe to run twice: the connection test and the
refreshes overwrite what they read, the directory lookup re-records its outcome, and the expiry
reminder is guarded by its exact-day rule and a cache marker.
"""

import logging

from celery import shared_task

from chorus_client import ChorusAuthenticationError, ChorusTransientError
from portal import jobs
from structures import services
from structures.forms import DirectoryQuery
from structures.models import ChorusConnection
from structures.selectors import connection_ids_to_refresh
from structures.services.connection import CONNECTION_TEST_TASK
from structures.services.directory import DIRECTORY_BY_NAME_TASK, DIRECTORY_BY_SIRET_TASK
from structures.services.directory_copy import DIRECTORY_COPY_TASK, directory_copy_refresh
from structures.services.own_structure import OWN_STRUCTURE_REFRESH_TASK
from structures.services.registry_services import SERVICE_CREATE_TASK

logger = logging.getLogger(__name__)


def _connection(connection_id: int) -> ChorusConnection | None:
    # A connection deleted since the task was queued: nothing to do.
    return ChorusConnection.objects.select_related("structure").filter(pk=connection_id).first()


@shared_task(name=CONNECTION_TEST_TASK, ignore_result=True, soft_time_limit=120, time_limit=150)
def connection_test(connection_id: int) -> None:
    """Test each link of a connection; the report is the outcome, so no retry here."""
    connection = _connection(connection_id)
    if connection is not None:
        services.connection_test_run(connection=connection)


@shared_task(name=DIRECTORY_BY_SIRET_TASK, ignore_result=True, soft_time_limit=60, time_limit=90)
def directory_refresh_structure_task(connection_id: int, siret: str) -> None:
    """Directory lookup by SIRET for a supplier who waits: no retry, the page shows the outcome."""
    connection = _connection(connection_id)
    if connection is not None:
        services.directory_lookup_run(connection=connection, query=DirectoryQuery(siret=siret))


@shared_task(name=DIRECTORY_BY_NAME_TASK, ignore_result=True, soft_time_limit=60, time_limit=90)
def directory_search_task(connection_id: int, name: str) -> None:
    """Directory lookup by name for a supplier who waits: no retry, the page shows the outcome."""
    connection = _connection(connection_id)
    if connection is not None:
        services.directory_lookup_run(connection=connection, query=DirectoryQuery(name=name))


@shared_task(
    name=OWN_STRUCTURE_REFRESH_TASK,
    ignore_result=True,
    autoretry_for=(ChorusTransientError,),
    retry_backoff=60,
    retry_backoff_max=1800,
    max_retries=4,
    soft_time_limit=120,
    time_limit=150,
)
def own_structure_refresh(connection_id: int) -> None:
    """Refresh a connection's own structure and bank accounts; nobody waits, so transient errors
    are retried with backoff."""
    connection = _connection(connection_id)
    if connection is not None:
        try:
            services.directory_refresh_own_structure(connection=connection)
        except (services.StructureNotInChorus, ChorusAuthenticationError) as error:
            # Shown to the manager by the connection test; retrying will not help.
            logger.warning("own structure refresh of connection %s: %s", connection_id, error)


@shared_task(name="structures.own_structures_refresh_all", ignore_result=True)
def own_structures_refresh_all() -> None:
    """Daily (beat): one refresh task per connection, so one slow account delays no other."""
    for connection_id in connection_ids_to_refresh():
        jobs.send(OWN_STRUCTURE_REFRESH_TASK, (connection_id,))


@shared_task(name="structures.password_expiry_notify_all", ignore_result=True)
def connection_password_expiry_notify_all() -> None:
    """Daily (beat): e-mail managers 30, 15, 7, 3 and 1 days before their password expires."""
    services.connection_password_expiry_notify_all()


@shared_task(name=SERVICE_CREATE_TASK, ignore_result=True, soft_time_limit=60, time_limit=90)
def service_create(connection_id: int, request_id: str) -> None:
    """Create a service a manager asked for; the manager waits, so no retry: the page shows the
    outcome and the typed values for another try."""
    connection = _connection(connection_id)
    if connection is not None:
        services.service_create_run(connection=connection, request_id=request_id)


@shared_task(name=DIRECTORY_COPY_TASK, ignore_result=True, soft_time_limit=1200, time_limit=1260)
def directory_copy_refresh_task() -> None:
    """Daily (beat): the local copy of Chorus Pro's recipient directory. Nobody waits; a failed
    download leaves yesterday's copy, and lookups fall back to Chorus Pro."""
    directory_copy_refresh()
