"""Received invoices and invoices to validate, synced from Chorus Pro per technical account.

- `received`: the recipient inbox (rechercher/recipiendaire), then a background details step;
- `validations`: the validator queue (rechercher/valideur);
- `details`: lines, VAT breakdown and history of synced invoices (consulter/...);
- `scheduling`: which accounts are due, and one cycle at a time per account;
- `parties`: supplier and recipient structures and services, found or created.
"""

from invoices.inbox.details import inbox_details_fetch, inbox_details_lost, inbox_details_resume
from invoices.inbox.received import inbox_sync_for_connection
from invoices.inbox.report import InboxSyncReport
from invoices.inbox.scheduling import RECIPIENT, SIDES, VALIDATOR, connections_due_for_inbox_sync
from invoices.inbox.validations import validations_sync_for_connection

__all__ = [
    "RECIPIENT",
    "SIDES",
    "VALIDATOR",
    "InboxSyncReport",
    "connections_due_for_inbox_sync",
    "inbox_details_fetch",
    "inbox_details_lost",
    "inbox_details_resume",
    "inbox_sync_for_connection",
    "validations_sync_for_connection",
]
