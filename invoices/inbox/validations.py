"""Invoices to validate (frameworks A9/A12), at either validation level: one changed-since search
per validator account.

The same cycle as the recipient inbox (see `received`), on rechercher/valideur and the account's
`validations_synced_until` watermark, with two differences:

1. A validator's search result has neither the net amount nor the billing framework, which the
   row needs (its total must be net + VAT; only A9/A12 invoices have a validator). An invoice
   new to the portal is therefore read in full (consulter/valideur) and its history with it.
2. An account may validate an invoice at the first level (the invoice names its structure) or
   at the second (some recipients require a second validation: Chorus Pro shows the invoice to
   their second-level validator from A_VALIDER_2 on). The search does not say which: the
   invoice's details do (codeValideur1, codeValideur2). They are read when the invoice is new to
   the portal, and when an invoice the portal has comes to this account for the first time (the
   second-level validator, or the validator a supplier named after a wrong-validator refusal).

The search is not narrowed to the statuses Chorus Pro lists for validators
(recuperer/statutsFactureVisibles/valideur: both levels' A_VALIDER, VALIDEE and REFUSEE): it
asks what changed since the watermark, so an invoice validated in Chorus Pro's own screens and
routed on to the recipient before the next cycle still leaves the queue. Validation queues are
short, so all this stays a few calls per cycle.
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
FIRST, SECOND = "validator", "second_validator"  # the invoice's field for each level


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
    arrived: list[int] = []  # invoices that came (back) to wait for this account's decision
    with chorus_client_for(connection) as client:
        summaries = client.validator.iter_search(
            ValidatorInvoiceSearch(status_changed_from=since), page_size=PAGE_SIZE
        )
        for page in batched(summaries, PAGE_SIZE):
            _page(client, structure, list(page), report, arrived)
    if previous is not None and (report.created_ids or arrived):
        ids = list(dict.fromkeys([*report.created_ids, *arrived]))
        transaction.on_commit(
            lambda: notify_inbox_arrivals(structure_id=structure.pk, side=VALIDATOR, new_ids=ids)
        )
        report.notified = len(ids)
    ChorusConnection.objects.filter(pk=connection.pk).update(validations_synced_until=started)
    return report


def _page(client, structure: Structure, items, report: InboxSyncReport, arrived: list) -> None:
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
        attached = _attach(client, structure, invoice)
        report.updated += attached
        changed = False
        if invoice.chorus_status != item.status.value:
            report.histories_read += 1
            changed = history_record(invoice, client.recipient.history(item.invoice_id))
            report.changed += changed
        if (attached or changed) and invoice.validation_level_for(structure) is not None:
            arrived.append(invoice.pk)


def _level(structure: Structure, details) -> str:
    """Which of the invoice's validators this account is, from the invoice's details."""
    first = siret_or_none(details.validator_structure_code)
    second = siret_or_none(details.second_validator_structure_code)
    if second == structure.siret and first != structure.siret:
        return SECOND
    return FIRST


def _first_validator(details) -> Structure | None:
    """The invoice's first validator, as a structure of the portal (created when unknown: the
    directory refresh names it later)."""
    siret = siret_or_none(details.validator_structure_code)
    if siret is None:
        return None
    return structures_by_siret({siret: ""}, kind=Structure.Kind.PUBLIC)[siret]


def _attach(client, structure: Structure, invoice: Invoice) -> bool:
    """Record this account as the invoice's validator at its level, the first time the account
    sees an invoice the portal already has. Returns whether the row changed."""
    if structure.pk in (invoice.validator_id, invoice.second_validator_id):
        return False
    if invoice.billing_framework not in WITH_VALIDATOR:
        return False  # the row holds validators only for the frameworks that have one
    details = client.validator.get(invoice.chorus_invoice_id)
    if _level(structure, details) == FIRST:
        fields = {"validator": structure}
    else:
        fields = {"second_validator": structure}
        if invoice.validator_id is None:
            fields["validator"] = _first_validator(details)
            if fields["validator"] is None:
                logger.warning("invoice %s: second validator without a first", invoice.pk)
                return False
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    for name, value in fields.items():
        setattr(invoice, name, value)
    return True


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
    # The row holds validators only for the frameworks that have one (constraint).
    validators = {}
    if fields["billing_framework"] in WITH_VALIDATOR:
        validators = {"validator": structure}
        if _level(structure, details) == SECOND:
            validators = {"validator": _first_validator(details), "second_validator": structure}
    if validators.get("validator") is None:
        validators = {}
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
            number=details.invoice_number,
            status=Invoice.Status.RECEIVED,
            source=Invoice.Source.CHORUS,
            chorus_invoice_id=details.invoice_id,
            chorus_status=details.status.value,
            chorus_status_changed_at=item.status_changed_at,
            **validators,
            **fields,
        )
        details_store(invoice=invoice, details=details)
    report.created += 1
    report.created_ids.append(invoice.pk)
    return invoice
