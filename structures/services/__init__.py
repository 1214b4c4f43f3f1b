"""Writes on structures: Chorus Pro connections, their test, the expiry reminders, the recipient
directory.

Every call to Chorus Pro here runs in a Celery task (``structures.tasks``); the functions that
views call only write the database and enqueue, after commit.
"""

from structures.services.connection import (
    connection_save,
    connection_test_request,
    connection_test_run,
)
from structures.services.directory import (
    DirectoryOutcome,
    StructureNotInChorus,
    directory_lookup,
    directory_lookup_run,
    directory_lookup_start,
    directory_lookup_state,
    directory_refresh_request,
    directory_refresh_structure,
    directory_search,
)
from structures.services.own_structure import (
    directory_refresh_own_structure,
    supplier_bank_accounts,
)
from structures.services.password_expiry import (
    PASSWORD_EXPIRY_MAIL_DAYS,
    connection_password_expiry_notify,
    connection_password_expiry_notify_all,
)
from structures.services.registry_services import (
    service_create_request,
    service_create_run,
    service_create_state,
)

__all__ = [
    "PASSWORD_EXPIRY_MAIL_DAYS",
    "DirectoryOutcome",
    "StructureNotInChorus",
    "connection_password_expiry_notify",
    "connection_password_expiry_notify_all",
    "connection_save",
    "connection_test_request",
    "connection_test_run",
    "directory_lookup",
    "directory_lookup_run",
    "directory_lookup_start",
    "directory_lookup_state",
    "directory_refresh_own_structure",
    "directory_refresh_request",
    "directory_refresh_structure",
    "directory_search",
    "service_create_request",
    "service_create_run",
    "service_create_state",
    "supplier_bank_accounts",
]
