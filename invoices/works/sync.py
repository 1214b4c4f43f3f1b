"""Following works pieces in Chorus Pro: one works search per technical account and role, the
piece's details only for what changed.

rechercher/fournisseur does not list works pieces (they have their own search), so the ordinary
status sync never sees them. For each account whose structure is party to a works contract:

1. Search facturesTravaux/v1/rechercher in each role the structure has on a contract
   (FOURNISSEUR for the contractor, MOE, MOA) for pieces whose status changed since the
   account's watermark minus an overlap (the first cycle reads everything).
2. A piece the portal does not know (deposited by another party, or outside the portal) becomes
   an invoice row with its works row, chained to the piece it answers; one it knows keeps its row.
3. For each piece whose status differs, read it (consulter): its history is recorded with the
   shared ``history_record`` (timeline, notices, payment clock) and its delays are kept.
4. Move the watermark to the start of the cycle; a failure leaves it, and the next cycle asks
   again.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chorus_client import WorksInvoiceSearch, WorksUserRole
from invoices.inbox.parties import ServiceDirectory, amounts, structures_by_siret, supplier_key
from invoices.models import (
    Invoice,
    Notification,
    WorksContract,
    WorksPiece,
    WorksSubcontract,
    WorksSync,
)
from invoices.notifications.services import notify_inbox_arrivals
from invoices.sending.status_sync import history_record
from invoices.works.frameworks import MOA_WAITING, MOE_WAITING
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure

OVERLAP = timedelta(minutes=5)
# Pieces arriving on the desk of the MOE or the MOA: their people are told (one e-mail a cycle).
ARRIVALS = {WorksUserRole.MOE: "project_manager", WorksUserRole.MOA: "works_owner"}
WAITING = {WorksUserRole.MOE: MOE_WAITING, WorksUserRole.MOA: MOA_WAITING}
WORKS_SYNC_TASK = "invoices.works.sync"


@dataclass
class WorksSyncReport:
    seen: int = 0
    created: int = 0
    changed: int = 0
    created_ids: list[int] = field(default_factory=list)


def works_roles(structure: Structure) -> list[WorksUserRole]:
    """The roles in which ``structure`` follows works pieces, from the contracts it is party to."""
    contracts = WorksContract.objects.filter(
        Q(contractor=structure) | Q(project_manager=structure) | Q(owner=structure)
    )
    roles = []
    subcontracts = WorksSubcontract.objects.filter(
        Q(subcontractor=structure) | Q(validator=structure)
    )
    if (
        contracts.filter(contractor=structure).exists()
        or subcontracts.filter(subcontractor=structure).exists()
    ):
        roles.append(WorksUserRole.FOURNISSEUR)
    if subcontracts.filter(validator=structure).exists():
        roles.append(WorksUserRole.VALIDATEUR)
    if contracts.filter(project_manager=structure).exists():
        roles.append(WorksUserRole.MOE)
    if contracts.filter(owner=structure).exists():
        roles.append(WorksUserRole.MOA)
    return roles


def works_connections() -> list[ChorusConnection]:
    """The technical accounts of structures party to a works contract."""
    return list(
        ChorusConnection.objects.select_related("structure")
        .filter(
            Q(structure__works_contracted__isnull=False)
            | Q(structure__works_managed__isnull=False)
            | Q(structure__works_owned__isnull=False)
            | Q(structure__works_subcontracts__isnull=False)
        )
        .distinct()
    )


def works_sync_for_connection(*, connection: ChorusConnection) -> WorksSyncReport:
    """One cycle for one account (see the module's docstring)."""
    report = WorksSyncReport()
    started = timezone.now()
    state, _ = WorksSync.objects.get_or_create(connection=connection)
    since = state.synced_until - OVERLAP if state.synced_until else None
    structure = connection.structure
    arrived = {ARRIVALS[role]: [] for role in ARRIVALS}
    with chorus_client_for(connection) as client:
        for role in works_roles(structure):
            filters = WorksInvoiceSearch(role=role, status_changed_from=since)
            for summary in client.works.iter_search(filters):
                report.seen += 1
                invoice = works_piece_known_or_created(summary, report)
                if invoice is None:
                    continue
                stale = invoice.chorus_status != summary.status.value or not _has_delays(invoice)
                if stale and works_piece_refresh(client, invoice):
                    report.changed += 1
                if role in ARRIVALS and summary.status.value in WAITING[role]:
                    arrived[ARRIVALS[role]].append(invoice)
    WorksSync.objects.filter(pk=state.pk).update(synced_until=started)
    if state.synced_until is not None:  # the first cycle imports: not news
        for side, invoices in arrived.items():
            ids = _untold(invoices, structure)
            if ids:
                notify_inbox_arrivals(structure_id=structure.pk, side=side, new_ids=ids)
    return report


def _untold(invoices: list[Invoice], structure: Structure) -> list[int]:
    """Of pieces on the structure's desk, those none of its people was told of since they
    arrived in their status (whichever party's sync recorded it; the overlap brings some back)."""
    told = set(
        Notification.objects.filter(
            invoice__in=invoices,
            user__memberships__structure=structure,
            created_at__gte=F("invoice__chorus_status_changed_at"),
        ).values_list("invoice_id", flat=True)
    )
    return [invoice.pk for invoice in invoices if invoice.pk not in told]


def _has_delays(invoice: Invoice) -> bool:
    piece = getattr(invoice, "works", None)
    return piece is not None and piece.payment_started_at is not None


def works_piece_refresh(client, invoice: Invoice) -> bool:
    """Read the piece again (consulter): record its history and keep its delays. Returns whether
    its status changed. Shared by the sync and the decisions on pieces."""
    details = client.works.get(invoice.chorus_invoice_id)
    delays = details.deadlines
    WorksPiece.objects.filter(invoice=invoice).update(
        project_manager_received_at=delays.project_manager_received_at,
        project_manager_due_at=delays.project_manager_due_at,
        payment_started_at=delays.payment_delay_started_at,
        payment_due_at=delays.payment_due_at,
        billing_file_id=details.summary.billing_file_id,
        billing_file_number=details.summary.billing_file_number or "",
    )
    if details.next_piece is not None:
        WorksPiece.objects.filter(invoice=invoice, answered_at__isnull=True).update(
            answered_at=details.summary.status_changed_at or timezone.now()
        )
    history = SimpleNamespace(statuses=details.statuses, current_status=details.summary.status)
    return history_record(invoice, history)


def works_piece_known_or_created(summary, report: WorksSyncReport | None = None) -> Invoice | None:
    """The portal's row of the piece ``summary`` describes, created with its works row when the
    portal did not know it; None when it cannot be stored (no supplier identifier)."""
    invoice = (
        Invoice.objects.filter(chorus_invoice_id=summary.works_invoice_id)
        .select_related("works")
        .first()
    )
    if invoice is not None:
        if not hasattr(invoice, "works") or not invoice.works.framework:
            _works_row(invoice, summary)  # the inbox found it first, as a received invoice
        return invoice
    key = supplier_key(summary.supplier_identifier)
    recipient = Structure.objects.filter(siret=summary.recipient_siret or "-").first()
    if key is None or recipient is None or len(summary.invoice_number) > 20:
        return None
    supplier = structures_by_siret({key: summary.supplier_name or key})[key]
    excl, vat, incl, due = amounts(
        summary.total_excl_tax, summary.total_incl_tax, summary.amount_due
    )
    with transaction.atomic():
        invoice = Invoice.objects.create(
            supplier=supplier,
            recipient=recipient,
            service=ServiceDirectory(recipient).get(summary.recipient_service_code),
            number=summary.invoice_number,
            issue_date=summary.invoice_date,
            market_number=(summary.contract_number or "")[:50],
            total_excl_tax=excl,
            total_vat=vat,
            total_incl_tax=incl,
            amount_due=due,
            status=Invoice.Status.RECEIVED,
            source=Invoice.Source.CHORUS,
            chorus_invoice_id=summary.works_invoice_id,
            chorus_status="",
            deposited_on=summary.deposited_on,
        )
        _works_row(invoice, summary)
    if report is not None:
        report.created += 1
        report.created_ids.append(invoice.pk)
    return invoice


def _works_row(invoice: Invoice, summary) -> WorksPiece:
    contract = WorksContract.objects.filter(number=summary.contract_number or "-").first()
    answers = (
        WorksPiece.objects.filter(invoice__chorus_invoice_id=summary.previous_piece_id).first()
        if summary.previous_piece_id
        else None
    )
    by_chorus_id = {
        s.chorus_id: s
        for s in Structure.objects.filter(
            chorus_id__in=[summary.project_manager_id, summary.project_owner_id]
        )
    }
    framework = summary.framework.value if summary.framework else ""
    code = framework.partition("_")[0]
    subcontract = (
        contract.subcontracts.filter(subcontractor=invoice.supplier).first() if contract else None
    )
    depositor = invoice.supplier
    if framework.endswith("_MOE"):
        depositor = by_chorus_id.get(summary.project_manager_id)
    elif framework.endswith("_MOA"):
        depositor = by_chorus_id.get(summary.project_owner_id)
    # What the chain states to date: an answer admits the works of the piece it answers,
    # scaled by what it admits of that piece's amount.
    cumulative = previous = Decimal("0.00")
    if answers is not None:
        previous = answers.previous_cumulative_excl_tax
        stated = answers.invoice.total_excl_tax
        cumulative = answers.cumulative_excl_tax
        if stated and summary.total_excl_tax is not None and code != "A8":
            cumulative = previous + (cumulative - previous) * summary.total_excl_tax / stated
            cumulative = cumulative.quantize(Decimal("0.01"))
    piece, _ = WorksPiece.objects.update_or_create(
        invoice=invoice,
        defaults=dict(
            contract=contract,
            framework=framework,
            works_type=summary.works_type.value if summary.works_type else "",
            depositor=depositor,
            project_manager=by_chorus_id.get(summary.project_manager_id),
            validator=subcontract.validator if subcontract else None,
            project_owner=by_chorus_id.get(summary.project_owner_id),
            answers=answers,
            billing_file_id=summary.billing_file_id,
            billing_file_number=summary.billing_file_number or "",
            sequence=answers.sequence if answers else None,
            cumulative_excl_tax=max(cumulative, Decimal(0)),
            previous_cumulative_excl_tax=previous,
        ),
    )
    return piece
