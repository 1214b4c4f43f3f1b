"""Reading one invoice's status again from Chorus Pro, outside the accounts' polling cycles: for
a page that watches an invoice in transit, for support staff, and for ``manage.py
invoice_resync``. Only reads Chorus Pro; history entries are recorded once (database
constraint), so a resync is safe to repeat."""

from datetime import timedelta

from django.core.cache import cache

from invoices.models import Invoice
from invoices.sending.status_sync import history_record
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.selectors import connection_for_structure

# The task that reads an invoice again (invoices/sending/tasks.py).
RESYNC_TASK = "invoices.resync"
# How often a page watching an invoice in transit has its status read again (see below).
WATCHED_EVERY = timedelta(seconds=10)


class ResyncImpossible(Exception):
    """The portal has no way to read this invoice from Chorus Pro; the message says why."""


def invoice_resync_later(*, invoice: Invoice) -> None:
    if invoice.chorus_invoice_id is None:
        raise ResyncImpossible(f"{invoice}: not in Chorus Pro yet.")
    enqueue(RESYNC_TASK, invoice.pk)


def invoice_watched(*, invoice: Invoice) -> bool:
    """Someone has the invoice's page open while Chorus Pro routes it, which takes seconds: read
    its status again soon rather than at the account's next polling cycle (a minute or more), at
    most every WATCHED_EVERY whoever watches. Returns whether a read was queued."""
    if not invoice.in_transit or invoice.chorus_invoice_id is None:
        return False
    if not cache.add(f"invoice-watched:{invoice.pk}", True, WATCHED_EVERY.total_seconds()):
        return False
    enqueue(RESYNC_TASK, invoice.pk)
    return True


def invoice_resync(*, invoice_id: int) -> bool:
    """Read the invoice's history from Chorus Pro now, through whichever side's account the
    portal has (supplier first: it sees every status). Returns whether the status changed."""
    invoice = Invoice.objects.select_related("supplier", "recipient").get(pk=invoice_id)
    for side, structure in (("supplier", invoice.supplier), ("recipient", invoice.recipient)):
        if structure is None:
            continue
        connection = connection_for_structure(structure=structure)
        if connection is None:
            continue
        with chorus_client_for(connection, invoice=invoice) as client:
            group = client.supplier if side == "supplier" else client.recipient
            history = group.history(invoice.chorus_invoice_id)
        return history_record(invoice, history)
    raise ResyncImpossible(f"{invoice}: no Chorus Pro connection on either side.")
