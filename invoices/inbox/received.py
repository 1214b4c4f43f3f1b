"""Received invoices: one changed-since search per recipient technical account, history only for
what changed.

1. Ask rechercher/recipiendaire, once for invoices and once for works pieces (typeDemandePaiement
   FACTURE, then FACTURE_TRAVAUX), for every invoice whose current state changed since the account's
   watermark minus an overlap (Chorus Pro's clock and ours differ; the first cycle looks back a
   configurable number of days), every page. "No result" (code 20000) is an empty page.
2. Page by page: an invoice the portal already has (a portal supplier sent it, or the validator
   queue brought it) is that same row, never a second one: it gets its recipient fields. An
   unknown invoice is created in bulk with its supplier structure, found by SIRET or created.
3. For rows whose status differs, read the history (consulter/historique) and record it with the
   shared `history_record`, which also tells the supplier's users.
4. Tell the recipient's agents of invoices new to their inbox or completed by the supplier; not
   on the account's first cycle, which is an import rather than news.
5. Queue the details of created invoices (lines, VAT, history) for a background step, and move
   the watermark to the start of the cycle. A failure leaves it where it was: the next cycle
   asks again, and rows already stored are found by their Chorus Pro id.
"""

import logging
from itertools import batched

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from chorus_client import (
    InvoiceType,
    PaymentRequestType,
    ReceivedInvoiceSearch,
    ReceivedInvoiceSummary,
)
from invoices.inbox.parties import ServiceDirectory, amounts, structures_by_siret, supplier_key
from invoices.inbox.report import InboxSyncReport, details_enqueue
from invoices.inbox.scheduling import RECIPIENT, cycle_changed_since, sync_lock
from invoices.models import ChorusStatus, Invoice, Notification, StatusEvent, WorksPiece
from invoices.notifications.services import notify_inbox_arrivals
from invoices.sending.status_sync import history_record, mandate_number_record
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Membership, Structure

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
# Statuses in which an invoice lands (back) on the recipient's desk.
ARRIVALS = {ChorusStatus.AVAILABLE, ChorusStatus.COMPLETED}


def inbox_sync_for_connection(*, connection: ChorusConnection) -> InboxSyncReport:
    """One cycle of a recipient account's inbox; a no-op while another worker runs one."""
    with sync_lock(connection, RECIPIENT) as acquired:
        if not acquired:
            return InboxSyncReport(locked_out=True)
        return _cycle(connection)


def _cycle(connection: ChorusConnection) -> InboxSyncReport:
    report = InboxSyncReport()
    started = timezone.now()
    previous = connection.received_synced_until
    since = cycle_changed_since(previous=previous, started=started)
    structure = connection.structure
    services = ServiceDirectory(structure)
    with chorus_client_for(connection) as client:
        # Ordinary invoices, then works pieces made available to the paying recipient: Chorus
        # Pro serves each kind of payment request to its own search (contract §5.12).
        for kind in (PaymentRequestType.FACTURE, PaymentRequestType.FACTURE_TRAVAUX):
            filters = ReceivedInvoiceSearch(
                payment_request_type=kind,
                recipient_id=structure.chorus_id,
                status_changed_from=since,
            )
            summaries = client.recipient.iter_search(filters, page_size=PAGE_SIZE)
            for page in batched(summaries, PAGE_SIZE):
                _page(client, structure, list(page), services, report, previous=previous)
    details_enqueue(connection=connection, side=RECIPIENT, invoice_ids=report.created_ids)
    ChorusConnection.objects.filter(pk=connection.pk).update(received_synced_until=started)
    return report


def _page(client, structure: Structure, items, services, report, *, previous) -> None:
    report.seen += len(items)
    # A technical account may serve several structures; this inbox is one of them.
    items = [i for i in items if not i.recipient_siret or i.recipient_siret == structure.siret]
    known = {
        invoice.chorus_invoice_id: invoice
        for invoice in Invoice.objects.filter(chorus_invoice_id__in=[i.invoice_id for i in items])
    }
    with transaction.atomic():
        created = _create_unknown(
            [i for i in items if i.invoice_id not in known], structure, services, report
        )
        for item in items:
            if item.invoice_id in known:
                report.updated += _recipient_fields_update(
                    known[item.invoice_id], item, structure, services
                )
    # History reads happen outside the page's transaction: a long page must not hold the
    # database (SQLite has one writer) while waiting for Chorus Pro.
    changed = [
        (known[i.invoice_id], i)
        for i in items
        if i.invoice_id in known and known[i.invoice_id].chorus_status != i.status.value
    ]
    for invoice, item in changed:
        report.histories_read += 1
        history = client.recipient.history(item.invoice_id)
        if history_record(invoice, history):
            report.changed += 1
        mandate_number_record(invoice, history, read=client.recipient.get)
    if previous is None:
        return  # the account's first cycle imports the inbox: not news
    # Arrivals on the recipient's desk since the last cycle (Chorus Pro's own stamp; the overlap
    # brings some back), told once whichever sync recorded the status: the supplier's may have
    # been first.
    untold = _not_told_yet(
        [
            known[i.invoice_id]
            for i in items
            if i.invoice_id in known
            and known[i.invoice_id].chorus_status in ARRIVALS
            and (i.status_changed_at is None or i.status_changed_at >= previous)
        ],
        structure,
    )
    new_ids = [invoice.pk for invoice in created] + [
        i.pk for i in untold if i.chorus_status == ChorusStatus.AVAILABLE
    ]
    completed_ids = [i.pk for i in untold if i.chorus_status == ChorusStatus.COMPLETED]
    if new_ids or completed_ids:
        report.notified += len(new_ids) + len(completed_ids)
        transaction.on_commit(
            lambda: notify_inbox_arrivals(
                structure_id=structure.pk,
                side=RECIPIENT,
                new_ids=new_ids,
                completed_ids=completed_ids,
            )
        )


def _create_unknown(items, structure: Structure, services, report) -> list[Invoice]:
    wanted = {}
    for item in items:
        siret = supplier_key(item.supplier_identifier)
        if siret:
            wanted.setdefault(siret, item.supplier_name)
    suppliers = structures_by_siret(wanted)
    # A portal invoice whose submission answer was lost has no Chorus Pro id yet; its own worker
    # adopts the Chorus Pro invoice (and already names this recipient): no second row here.
    unsent = set(
        Invoice.objects.filter(
            supplier__in=suppliers.values(),
            chorus_invoice_id__isnull=True,
            number__in=[i.invoice_number for i in items],
        ).values_list("supplier_id", "number")
    )
    rows = []
    for item in items:
        supplier = suppliers.get(supplier_key(item.supplier_identifier) or "")
        if supplier is None:
            logger.warning("received invoice %s skipped: no supplier identifier", item.invoice_id)
            report.skipped += 1
            continue
        if (supplier.pk, item.invoice_number) in unsent or len(item.invoice_number) > 20:
            report.skipped += 1
            continue
        rows.append(_received_invoice(item, supplier, structure, services))
    created = Invoice.objects.bulk_create(rows, batch_size=500)
    _works_rows(created, items)
    report.created += len(created)
    report.created_ids.extend(invoice.pk for invoice in created)
    return created


def _works_rows(created: list[Invoice], items) -> None:
    """Works pieces are marked as such (the inbox's filter and badge); the works sync, for an
    owner party to the contract, adds the rest of their works data."""
    works = {
        i.invoice_id: i
        for i in items
        if i.payment_request_type == PaymentRequestType.FACTURE_TRAVAUX
    }
    WorksPiece.objects.bulk_create(
        WorksPiece(
            invoice=invoice,
            works_type=works[invoice.chorus_invoice_id].works_invoice_type or "",
        )
        for invoice in created
        if invoice.chorus_invoice_id in works
    )


def _received_invoice(
    item: ReceivedInvoiceSummary, supplier: Structure, structure: Structure, services
) -> Invoice:
    excl, vat, incl, due = amounts(item.total_excl_tax, item.total_incl_tax, item.amount_due)
    available = item.status == ChorusStatus.AVAILABLE
    currency = item.currency if item.currency and len(item.currency) == 3 else "EUR"
    return Invoice(
        supplier=supplier,
        recipient=structure,
        service=services.get(item.recipient_service_code),
        number=item.invoice_number,
        kind=Invoice.Kind.CREDIT_NOTE
        if item.invoice_type == InvoiceType.AVOIR
        else Invoice.Kind.INVOICE,
        issue_date=item.invoice_date,
        currency=currency.upper(),
        commitment_number=(item.purchase_order_number or "")[:50],
        market_number=(item.contract_number or "")[:50],
        total_excl_tax=excl,
        total_vat=vat,
        total_incl_tax=incl,
        amount_due=due,
        status=Invoice.Status.RECEIVED,
        source=Invoice.Source.CHORUS,
        chorus_invoice_id=item.invoice_id,
        chorus_status=item.status.value,
        chorus_status_changed_at=item.status_changed_at,
        deposited_on=item.deposited_on,
        # Otherwise known from the history, which the details step reads.
        made_available_at=item.status_changed_at if available else None,
        downloaded_by_recipient=bool(item.downloaded),
    )


def _recipient_fields_update(invoice: Invoice, item, structure: Structure, services) -> int:
    """The recipient's side of a row the portal already has; returns 1 when it wrote."""
    fields = {}
    if invoice.recipient_id != structure.pk:
        fields["recipient"] = structure  # re-routed here (recycled), or first seen by a validator
    if item.recipient_service_code and (
        invoice.service_id is None or invoice.recipient_id != structure.pk
    ):
        fields["service"] = services.get(item.recipient_service_code)
    if item.downloaded and not invoice.downloaded_by_recipient:
        fields["downloaded_by_recipient"] = True
    if not fields:
        return 0
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    for name, value in fields.items():
        setattr(invoice, name, value)
    return 1


def _not_told_yet(invoices: list[Invoice], structure: Structure) -> list[Invoice]:
    """Of invoices on the recipient's desk, those whose arrival in their current status no agent
    has been told of, whichever sync (supplier's or inbox) recorded that status.

    Told means a notice to one of the structure's agents created after the status was recorded
    in the timeline: both stamps come from our clock, so Chorus Pro's minute-rounded history
    stamps and its clock do not matter. A row with no timeline entry yet for its status (created
    by this sync, history still to be read) counts as told once it has any notice.
    """
    if not invoices:
        return []
    arrival = StatusEvent.objects.filter(
        invoice=OuterRef("invoice"), status=OuterRef("invoice__chorus_status")
    )
    told = set(
        Notification.objects.filter(
            invoice__in=invoices,
            user__memberships__structure=structure,
            user__memberships__role=Membership.Role.RECIPIENT_AGENT,
        )
        .filter(
            Q(created_at__gte=Subquery(arrival.order_by("-recorded_at").values("recorded_at")[:1]))
            | ~Exists(arrival)
        )
        .values_list("invoice_id", flat=True)
    )
    return [invoice for invoice in invoices if invoice.pk not in told]
