"""Following invoices in Chorus Pro: one batch query per technical account, history only for what
changed.

1. Ask rechercher/fournisseur for every invoice whose current state changed since the account's
   watermark (minus an overlap, since Chorus Pro's clock and ours differ), every page.
2. For each answer whose status differs from ours, read its history (consulter/historique) and
   record the entries we do not have yet (a history entry is stored once: database constraint).
3. Notify the supplier's users of each new status, then move the watermark to the start of this
   cycle. A failure leaves the watermark where it was, so the next cycle asks again.
"""

from dataclasses import dataclass
from datetime import timedelta
from itertools import batched

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from chorus_client import SupplierInvoiceSearch
from invoices.models import FINAL_CHORUS_STATUSES, ChorusStatus, Invoice, StatusEvent
from invoices.services.notifications import notify_status_change
from invoices.services.payment_clock import payment_clock_refresh
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection

OVERLAP = timedelta(minutes=5)
PAGE_SIZE = 500
# How often an account is polled: often while it has invoices on their way, rarely otherwise.
ACTIVE_INTERVAL = timedelta(minutes=1)
SETTLED_INTERVAL = timedelta(minutes=30)
ACTIVE_STATUSES = {"DEPOSEE", "EN_COURS_ACHEMINEMENT", "COMPLETEE", "A_VALIDER_1"}


@dataclass
class SyncReport:
    seen: int = 0
    changed: int = 0
    histories_read: int = 0


def status_sync_for_connection(*, connection: ChorusConnection) -> SyncReport:
    """One polling cycle for a supplier's technical account."""
    report = SyncReport()
    started = timezone.now()
    local = Invoice.objects.filter(supplier=connection.structure, chorus_invoice_id__isnull=False)
    since = connection.statuses_synced_until
    if since is None:
        oldest = local.order_by("submitted_at").values_list("submitted_at", flat=True).first()
        since = oldest or started
    filters = SupplierInvoiceSearch(
        supplier_id=connection.structure.chorus_id, status_changed_from=since - OVERLAP
    )
    with chorus_client_for(connection) as client:
        summaries = client.supplier.iter_search(filters, page_size=PAGE_SIZE)
        for page in batched(summaries, PAGE_SIZE):
            report.seen += len(page)
            # One query per page for the portal's rows, not one per invoice.
            ids = [summary.invoice_id for summary in page]
            known = {i.chorus_invoice_id: i for i in local.filter(chorus_invoice_id__in=ids)}
            for summary in page:
                invoice = known.get(summary.invoice_id)
                if invoice is None or invoice.chorus_status == summary.status.value:
                    continue
                history = client.supplier.history(summary.invoice_id)
                report.histories_read += 1
                if history_record(invoice, history):
                    report.changed += 1
                mandate_number_record(invoice, history, read=client.supplier.get)
    ChorusConnection.objects.filter(pk=connection.pk).update(statuses_synced_until=started)
    return report


@transaction.atomic
def history_record(invoice: Invoice, history) -> bool:
    """Store the history entries we do not have yet and move the invoice to its current status.
    Shared by every path that reads a history (supplier and inbox syncs, actions). Returns
    whether the status changed; only the call that changed it tells people."""
    known = set(
        invoice.events.exclude(chorus_history_id=None).values_list("chorus_history_id", flat=True)
    )
    new_entries = [
        entry for entry in reversed(history.statuses) if entry.id is None or entry.id not in known
    ]
    for entry in new_entries:
        who = " ".join(filter(None, [entry.user_first_name, entry.user_last_name]))
        StatusEvent.objects.create(
            invoice=invoice,
            chorus_history_id=entry.id,
            status=entry.status.value,
            occurred_at=entry.changed_at,
            source=StatusEvent.Source.CHORUS,
            comment=entry.comment or "",
            actor_name=who or (entry.user_email or ""),
        )
    payment_clock_refresh(invoice=invoice)
    current = history.current_status.value
    newest = history.statuses[0].changed_at if history.statuses else timezone.now()
    # A conditional UPDATE, not a comparison with our copy of the row: another worker holding an
    # older copy (the supplier's and the recipient's syncs share the row of an invoice sent from
    # the portal) may have recorded this very change meanwhile, and only one of us tells people.
    changed = (
        Invoice.objects.filter(pk=invoice.pk)
        .exclude(chorus_status=current)
        .update(
            chorus_status=current,
            chorus_status_changed_at=newest,
            made_available_at=newest
            if current == "MISE_A_DISPOSITION" and not invoice.made_available_at
            else invoice.made_available_at,
        )
    )
    invoice.chorus_status = current
    if not changed:
        return False
    event = invoice.events.filter(status=current).order_by("-occurred_at", "-pk").first()
    event_id = event.pk if event else None
    transaction.on_commit(
        lambda: notify_status_change(invoice_id=invoice.pk, status=current, event_id=event_id)
    )
    return True


def mandate_number_record(invoice: Invoice, history, *, read) -> None:
    """Once the invoice went through MANDATEE, the number of the payment order as Chorus Pro
    gives it in the invoice's details (``read``: consulter on the side that reads)."""
    if invoice.mandate_number or not any(
        entry.status.value == ChorusStatus.MANDATED for entry in history.statuses
    ):
        return
    number = (read(invoice.chorus_invoice_id).mandate_number or "")[:50]
    if number:
        Invoice.objects.filter(pk=invoice.pk).update(mandate_number=number)
        invoice.mandate_number = number


def connections_due_for_sync(*, now=None) -> list[ChorusConnection]:
    """Accounts with invoices on their way are polled every minute, the others every 30."""
    now = now or timezone.now()
    unsettled = Invoice.objects.filter(
        supplier=OuterRef("structure"), chorus_invoice_id__isnull=False
    ).exclude(chorus_status__in=FINAL_CHORUS_STATUSES)
    connections = (
        ChorusConnection.objects.select_related("structure")
        .annotate(
            has_unsettled=Exists(unsettled),
            has_active=Exists(unsettled.filter(chorus_status__in=ACTIVE_STATUSES)),
        )
        .filter(has_unsettled=True)
    )
    due = []
    for connection in connections:
        interval = ACTIVE_INTERVAL if connection.has_active else SETTLED_INTERVAL
        last = connection.statuses_synced_until
        if last is None or now - last >= interval:
            due.append(connection)
    return due
