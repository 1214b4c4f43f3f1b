"""Invoices to validate (frameworks A9/A12): one changed-since search per validator account.

The same cycle as the recipient inbox (see `received`), on rechercher/valideur and the account's
`validations_synced_until` watermark, with one difference: a validator's search result has
neither the net amount nor the billing framework, which the row needs (its total must be net +
VAT; only A9/A12 invoices have a validator). An invoice new to the portal is therefore read in
full (consulter/valideur) and its history with it, during the cycle. Validation queues are
short, so this stays a few calls per cycle.
"""

import logging
from itertools import batched

from django.db import transaction
from django.utils import timezone

from chorus_client import ValidatorInvoiceSearch
from invoices.inbox.details import details_store, invoice_fields_from_details
from invoices.inbox.parties import (
    ServiceDirectory,
    siret_or_none,
    structures_by_siret,
    supplier_key,
)
from invoices.inbox.report import InboxSyncReport
from invoices.inbox.scheduling import VALIDATOR, cycle_changed_since, sync_lock
from invoices.models import Invoice
from invoices.notifications.services import notify_inbox_arrivals
from invoices.sending.status_sync import history_record
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

logger = logging.getLogger(__name__)

PAGE_SIZE = 500
WITH_VALIDATOR = ("A9", "A12")


def validations_sync_for_connection(*, connection: ChorusConnection) -> InboxSyncReport:
    """One cycle of a validator account's queue; a no-op while another worker runs one."""
    with sync_lock(connection, VALIDATOR) as acquired:
        if not acquired:
            return InboxSyncReport(locked_out=True)
        return _cycle(connection)


def _cycle(connection: ChorusConnection) -> InboxSyncReport:
    report = InboxSyncReport()
    started = timezone.now()
    previous = connection.validations_synced_until
    since = cycle_changed_since(previous=previous, started=started)
    structure = connection.structure
    with chorus_client_for(connection) as client:
        summaries = client.validator.iter_search(
            ValidatorInvoiceSearch(status_changed_from=since), page_size=PAGE_SIZE
        )
        for page in batched(summaries, PAGE_SIZE):
            _page(client, structure, list(page), report)
    if previous is not None and report.created_ids:
        ids = list(report.created_ids)
        transaction.on_commit(
            lambda: notify_inbox_arrivals(structure_id=structure.pk, side=VALIDATOR, new_ids=ids)
        )
        report.notified = len(ids)
    ChorusConnection.objects.filter(pk=connection.pk).update(validations_synced_until=started)
    return report


def _page(client, structure: Structure, items, report: InboxSyncReport) -> None:
    report.seen += len(items)
    items = [
        i
        for i in items
        if i.validator_id is None
        or structure.chorus_id is None
        or i.validator_id == structure.chorus_id
    ]
    known = {
        invoice.chorus_invoice_id: invoice
        for invoice in Invoice.objects.filter(chorus_invoice_id__in=[i.invoice_id for i in items])
    }
    for item in items:
        invoice = known.get(item.invoice_id)
        if invoice is None:
            invoice = _create(client, structure, item, report)
            if invoice is not None:
                report.histories_read += 1
                history_record(invoice, client.recipient.history(item.invoice_id))
            continue
        if invoice.validator_id != structure.pk and invoice.billing_framework in WITH_VALIDATOR:
            Invoice.objects.filter(pk=invoice.pk).update(validator=structure)
            report.updated += 1
        if invoice.chorus_status != item.status.value:
            report.histories_read += 1
            if history_record(invoice, client.recipient.history(item.invoice_id)):
                report.changed += 1


def _create(client, structure: Structure, item, report) -> Invoice | None:
    invoice_id = item.invoice_id
    details = client.validator.get(invoice_id)
    supplier_siret = supplier_key(details.supplier.identifier)
    recipient_siret = siret_or_none(details.recipient.siret)
    fields = invoice_fields_from_details(details)
    if not supplier_siret or not recipient_siret or len(details.invoice_number) > 20:
        logger.warning(
            "invoice to validate %s skipped: supplier or recipient without SIRET", invoice_id
        )
        report.skipped += 1
        return None
    supplier = structures_by_siret({supplier_siret: details.supplier.name})[supplier_siret]
    recipient = structures_by_siret(
        {recipient_siret: details.recipient.name}, kind=Structure.Kind.PUBLIC
    )[recipient_siret]
    with transaction.atomic():
        invoice = Invoice.objects.create(
            supplier=supplier,
            recipient=recipient,
            service=ServiceDirectory(recipient).get(
                details.recipient.service_code, details.recipient.service_name
            ),
            # The row holds a validator only for the frameworks that have one (constraint).
            validator=structure if fields["billing_framework"] in WITH_VALIDATOR else None,
            number=details.invoice_number,
            status=Invoice.Status.RECEIVED,
            source=Invoice.Source.CHORUS,
            chorus_invoice_id=details.invoice_id,
            chorus_status=details.status.value,
            chorus_status_changed_at=item.status_changed_at,
            **fields,
        )
        details_store(invoice=invoice, details=details)
    report.created += 1
    report.created_ids.append(invoice.pk)
    return invoice
