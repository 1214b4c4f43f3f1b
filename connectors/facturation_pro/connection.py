"""Connecting a Facturation.pro account: saving it (the key encrypted) and testing it in a
worker against ``GET /account.json``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from connectors.facturation_pro.models import FproConnection
from connectors.facturation_pro.remote import error_outcome, fpro_client_for
from facturation_pro_client import FacturationProError
from portal.jobs import enqueue
from structures.models import Structure

# The task that tests an account (connectors/facturation_pro/tasks.py).
CONNECTION_TEST_TASK = "facturation_pro.connection_test"
# The task that reads the account's invoices (catalogue.py).
CATALOGUE_SYNC_TASK = "facturation_pro.catalogue_sync"


@transaction.atomic
def fpro_connection_save(
    *, structure: Structure, api_id: str, api_key: str, firm_id: int, auto_import: bool
) -> FproConnection:
    """Create or update the structure's Facturation.pro account, then test it in the background.

    An empty ``api_key`` keeps the stored one (it is required to create). Changing the identifier,
    key or firm forgets the previous test and list: they described another account.
    """
    connection = FproConnection.objects.filter(structure=structure).first()
    if connection is None:
        if not api_key:
            raise ValueError("a new connection needs an API key")
        connection = FproConnection(structure=structure)
    changed = (
        connection.pk is None
        or bool(api_key)
        or connection.api_id != api_id
        or connection.firm_id != firm_id
    )
    firm_changed = connection.pk is not None and connection.firm_id != firm_id
    connection.api_id, connection.firm_id, connection.auto_import = api_id, firm_id, auto_import
    if api_key:
        connection.set_api_key(api_key)
    if changed:
        connection.firm_name = ""
        connection.test_outcome, connection.test_detail = "", ""
        connection.last_tested_at = None
        connection.catalogue_synced_at = None
        connection.catalogue_error = ""
        if firm_changed:
            # Another firm's invoices are not this firm's: what was not imported is forgotten.
            connection.remote_invoices.filter(invoice__isnull=True).delete()
            connection.customers.filter(invoices__isnull=True).delete()
    connection.save()
    if changed:
        fpro_connection_test_request(connection=connection)
    return connection


def fpro_connection_delete(*, connection: FproConnection) -> None:
    """Forget the account. Imported invoices stay portal invoices; nothing is written back any
    more."""
    connection.delete()


def fpro_connection_test_request(*, connection: FproConnection) -> None:
    """Ask a worker to test the account; the page polls until the outcome is there."""
    connection.test_requested_at = timezone.now()
    FproConnection.objects.filter(pk=connection.pk).update(
        test_requested_at=connection.test_requested_at
    )
    enqueue(CONNECTION_TEST_TASK, connection.pk)


def fpro_connection_test_run(*, connection: FproConnection) -> str:
    """Worker side: ``GET /account.json`` with the stored key, then the firm among the account's.

    Each failure has its own outcome (wrong key, unknown firm, unreachable, rate-limited,
    unexpected); no retry, the outcome is the answer. A working account then has its invoice
    list read.
    """
    started = timezone.now()
    firm_name = connection.firm_name
    try:
        with fpro_client_for(connection, firm=False) as client:
            account = client.account()
        firm = account.firm(connection.firm_id)
        if firm is None:
            outcome = "unknown_firm"
            detail = ", ".join(f"{item.id} ({item.name})" for item in account.firms)[:300]
        else:
            outcome, detail, firm_name = "ok", "", firm.name[:200]
    except FacturationProError as error:
        outcome, detail = error_outcome(error)
    FproConnection.objects.filter(pk=connection.pk).update(
        last_tested_at=started, test_outcome=outcome, test_detail=detail, firm_name=firm_name
    )
    connection.last_tested_at, connection.test_outcome = started, outcome
    connection.test_detail, connection.firm_name = detail, firm_name
    if outcome == "ok" and connection.catalogue_synced_at is None:
        fpro_catalogue_request(connection=connection)
    return outcome


def fpro_catalogue_request(*, connection: FproConnection, recent_only: bool = False) -> None:
    """Ask a worker to read the account's invoices to public entities again (only the recent
    ones for the beat's readings: catalogue.py)."""
    if not recent_only:
        connection.catalogue_requested_at = timezone.now()
        FproConnection.objects.filter(pk=connection.pk).update(
            catalogue_requested_at=connection.catalogue_requested_at
        )
    enqueue(CATALOGUE_SYNC_TASK, connection.pk, recent_only)
