"""Following invoices in Chorus Pro: one batch query per technical account, history only for what
changed.

1. Ask rechercher/fournisseur for every invoice whose current state changed since the account's
   watermark (minus an overlap, since Chorus Pro's clock and ours differ), every page.
2. For each answer whose status differs from ours, read its history (consulter/historique) and
   record the entries we do not have yet (a history entry is stored once: database constraint).
3. Notify the supplier's users of each new status, then move the watermark to the start of this
   cycle. A failure leaves the watermark where it was, so the next cycle asks again.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from itertools import batched

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from chorus_client import SupplierInvoiceSearch
from invoices.models import FINAL_CHORUS_STATUSES, ChorusStatus, Invoice, InvoiceAction, StatusEvent
from invoices.notifications.services import notify_status_change
from invoices.payment_clock import payment_clock_refresh
from invoices.signals import invoice_status_change_announce
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

OVERLAP = timedelta(minutes=5)
PAGE_SIZE = 500
# How often an account is polled: often while it has invoices on their way, rarely otherwise.
ACTIVE_INTERVAL = timedelta(minutes=1)
SETTLED_INTERVAL = timedelta(minutes=30)
ACTIVE_STATUSES = {"DEPOSEE", "EN_COURS_ACHEMINEMENT", "COMPLETEE", "A_VALIDER_1", "A_VALIDER_2"}
TECHNICAL_LOGIN = re.compile(r"TECH_\d+_(\d{9,14})@cpro\.fr", re.IGNORECASE)


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
    accounts: dict[str, ChorusConnection | None] = {}
    for entry in new_entries:
        actor, actor_name = _who(invoice, entry, accounts)
        StatusEvent.objects.create(
            invoice=invoice,
            chorus_history_id=entry.id,
            status=entry.status.value,
            occurred_at=entry.changed_at,
            source=StatusEvent.Source.CHORUS,
            comment=entry.comment or "",
            actor=actor,
            actor_name=actor_name,
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
    transaction.on_commit(
        lambda: invoice_status_change_announce(
            invoice_id=invoice.pk, status=current, event_id=event_id
        )
    )
    return True


# Chorus Pro stamps its history to the minute, and its clock is not ours.
STAMP_TOLERANCE = timedelta(minutes=2)
# The status each kind of portal decision leads to in Chorus Pro.
ACTION_OUTCOMES = {
    InvoiceAction.Kind.VALIDATE: ChorusStatus.VALIDATED_1,
    InvoiceAction.Kind.REFUSE: ChorusStatus.REFUSED_1,
    InvoiceAction.Kind.COMPLETE: ChorusStatus.COMPLETED,
    InvoiceAction.Kind.FIX_VALIDATOR: ChorusStatus.TO_VALIDATE_1,
}
# A second-level validator's decisions (their payload says level 2).
SECOND_LEVEL_OUTCOMES = {
    InvoiceAction.Kind.VALIDATE: ChorusStatus.VALIDATED_2,
    InvoiceAction.Kind.REFUSE: ChorusStatus.REFUSED_2,
}


def _who(invoice: Invoice, entry, accounts: dict) -> tuple:
    """(portal user, name to show) for a history entry.

    A person who acted in Chorus Pro's own site is named as Chorus Pro names them. An entry made
    with a technical account the portal holds was made by the portal: it is the person who acted
    in the portal, or else the structure whose account it is (its own software, say). Another
    structure's technical account is shown as that structure when the portal knows it.
    """
    login = (entry.user_email or "").strip()
    if login.lower() not in accounts:
        accounts[login.lower()] = (
            ChorusConnection.objects.filter(login__iexact=login).select_related("structure").first()
            if login
            else None
        )
    connection = accounts[login.lower()]
    if connection is None:
        structure = _structure_of_technical_account(login)
        if structure is not None:
            return None, structure.name
        person = " ".join(filter(None, [entry.user_first_name, entry.user_last_name]))
        return None, person if person and person != login else login
    user = _portal_user_behind(invoice, entry.status.value, entry.changed_at)
    if user is None:
        return None, connection.structure.name
    return user, f"{user.get_full_name() or user.get_username()} ({connection.structure.name})"


def _structure_of_technical_account(login: str):
    """Chorus Pro's technical accounts are named after their structure: TECH_1_<SIRET>@cpro.fr."""
    match = TECHNICAL_LOGIN.fullmatch(login)
    return Structure.objects.filter(siret=match.group(1)).first() if match else None


def _portal_user_behind(invoice: Invoice, status: str, changed_at):
    """Who, in the portal, asked for the change that put the invoice in ``status``."""
    actions = invoice.actions.filter(
        status__in=[InvoiceAction.Status.RUNNING, InvoiceAction.Status.DONE],
        created_at__lte=changed_at + STAMP_TOLERANCE,
        created_by__isnull=False,
    ).select_related("created_by")
    for action in actions.order_by("-created_at", "-pk"):
        if action.kind == InvoiceAction.Kind.TREAT:
            outcome = action.payload.get("target_status")
        elif action.payload.get("level") == 2:
            outcome = SECOND_LEVEL_OUTCOMES.get(action.kind)
        else:
            outcome = ACTION_OUTCOMES.get(action.kind)
        if outcome == status:
            return action.created_by
    if status == ChorusStatus.DEPOSITED:
        queued = (
            invoice.events.filter(status=Invoice.Status.QUEUED, actor__isnull=False)
            .select_related("actor")
            .order_by("-occurred_at", "-pk")
            .first()
        )
        if queued is not None:
            return queued.actor
        if invoice.flow_id and invoice.flow.created_by_id:
            return invoice.flow.created_by
        return invoice.created_by  # drafted in the portal: its author (None when synced)
    return None


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
