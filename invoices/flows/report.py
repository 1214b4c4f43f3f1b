"""Following a deposited flow until Chorus Pro settles it, then linking the invoices it created.

1. `flows_due` lists the deposited flows whose next poll is due; `flow_report_poll` claims one
   (conditional UPDATE pushing `next_poll_at` forward, so two workers never poll it at once).
2. Ask consulterCRDetaille (contract §3.12; consulterCR was reported broken for Factur-X, §11.1)
   and keep the report as Chorus Pro gave it in `Flow.report`.
3. While the state is not final, poll again: often at first, then more and more rarely.
4. Once final (§9.11), list the invoices created with rechercher/fournisseur on the flow number,
   every page (§5.1, §11.2), and create the portal's invoices (source FLOW). An invoice number
   Chorus Pro refused as already used (20015) after a deposit whose answer was lost is looked up
   by number and linked too: it was created by the lost deposit.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus_client import (
    ChorusAuthenticationError,
    ChorusRejectedError,
    ChorusTransientError,
    DepositMode,
    FlowStatus,
    InvoiceType,
    SupplierInvoiceSearch,
)
from invoices.models import Flow, Invoice, StatusEvent
from invoices.signals import flow_settled
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Service, Structure

POLL_LEASE = timedelta(minutes=5)
DUPLICATE_NUMBER = "20015"

# contract §9.11 [C]: final states and what they mean for the portal. IN_INCIDENTE and
# QP_IRRECEVABLE mean the whole flow must be sent again: rejected. Every other state, including
# QP_RECEVABLE_AVEC_ERREUR (which TRY treats as a failure but no source calls final) [U], keeps
# the flow "deposited" and polled.
FINAL_STATES = {
    FlowStatus.IN_INTEGRE: Flow.Status.INTEGRATED,
    FlowStatus.IN_INTEGRE_PARTIEL: Flow.Status.PARTIALLY_INTEGRATED,
    FlowStatus.IN_REJETE: Flow.Status.REJECTED,
    FlowStatus.IN_INCIDENTE: Flow.Status.REJECTED,
    FlowStatus.QP_IRRECEVABLE: Flow.Status.REJECTED,
}


def poll_interval(age: timedelta) -> timedelta:
    """Chorus Pro integrates most flows within minutes, some within hours (§10.4 spirit)."""
    if age < timedelta(minutes=5):
        return timedelta(seconds=30)
    if age < timedelta(hours=1):
        return timedelta(minutes=2)
    return timedelta(minutes=15)


def flows_due(*, now=None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        Flow.objects.filter(status=Flow.Status.DEPOSITED, next_poll_at__lte=now)
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )


def _claim(flow_id: int) -> Flow | None:
    now = timezone.now()
    claimed = Flow.objects.filter(
        pk=flow_id, status=Flow.Status.DEPOSITED, next_poll_at__lte=now
    ).update(next_poll_at=now + POLL_LEASE)
    return Flow.objects.select_related("supplier").get(pk=flow_id) if claimed else None


def flow_report_poll(*, flow_id: int) -> str:
    """Read the report of one due flow; settle it and link its invoices when final."""
    flow = _claim(flow_id)
    if flow is None:
        return "not-due"
    connection = ChorusConnection.objects.get(structure=flow.supplier)
    now = timezone.now()
    summaries = []
    try:
        with chorus_client_for(connection) as client:
            report = client.transverses.detailed_flow_report(flow.chorus_flow_number)
            settled = FINAL_STATES.get(report.status)
            if settled in (Flow.Status.INTEGRATED, Flow.Status.PARTIALLY_INTEGRATED):
                summaries = list(
                    client.supplier.iter_search(
                        SupplierInvoiceSearch(flow_number=flow.chorus_flow_number),
                        page_size=100,
                    )
                )
            if settled is not None and flow.send_attempts > 1:
                summaries += _created_by_lost_deposit(client, flow, report, summaries)
    except ChorusTransientError:
        Flow.objects.filter(pk=flow.pk).update(next_poll_at=now + timedelta(minutes=1))
        raise
    except (ChorusRejectedError, ChorusAuthenticationError) as error:
        # The flow stays followed: a renewed password or Chorus Pro's recovery settles it later.
        Flow.objects.filter(pk=flow.pk).update(
            error_message=str(error)[:500], next_poll_at=now + timedelta(minutes=30)
        )
        return "refused"
    raw = _raw(report)
    if settled is None:
        Flow.objects.filter(pk=flow.pk).update(
            chorus_state=report.status.value,
            report=raw,
            error_message="",
            next_poll_at=now + poll_interval(now - flow.created_at),
            updated_at=now,
        )
        return "in-progress"
    with transaction.atomic():
        entries = _link(flow, summaries)
        created = [e["invoice_id"] for e in entries if e.pop("details_pending", False)]
        linked = sum(1 for entry in entries if entry.get("invoice_id"))
        if flow.send_attempts > 1 and linked:
            # Invoices created by a lost deposit count as integrated: the files got through.
            settled = (
                Flow.Status.INTEGRATED
                if linked == len(entries)
                else Flow.Status.PARTIALLY_INTEGRATED
            )
        Flow.objects.filter(pk=flow.pk).update(
            status=settled,
            chorus_state=report.status.value,
            report=raw,
            file_names=entries,
            error_message="",
            next_poll_at=None,
            updated_at=now,
        )
        flow.status, flow.chorus_state, flow.file_names = settled, report.status.value, entries
        flow_settled.send(sender=Flow, flow=flow)
    if created:
        from invoices.flows.linked import flow_invoices_details_fetch

        flow_invoices_details_fetch(connection=connection, invoice_ids=created)
    return settled.value


def _created_by_lost_deposit(client, flow: Flow, report, found) -> list:
    """After a lost answer we may have deposited twice: the copy's invoices are refused as
    already used (20015). Look those numbers up; the invoices are the lost deposit's."""
    known = {item.invoice_number for item in found}
    refused = {
        error.invoice_number
        for error in report.invoice_errors
        if error.invoice_number and DUPLICATE_NUMBER in (error.message or "")
    }
    ours = {entry["number"] for entry in flow.file_names}
    extra = []
    for number in sorted((refused & ours) - known):
        page = client.supplier.search(
            SupplierInvoiceSearch(invoice_number=number, supplier_id=flow.supplier.chorus_id)
        )
        extra += [
            item
            for item in page.items
            if item.invoice_number == number and item.deposit_mode == DepositMode.UPLOAD_API
        ]
    return extra


def _raw(report) -> dict:
    """The report as Chorus Pro gave it, in JSON."""

    def plain(value):
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.value if hasattr(value, "value") else value

    return plain(asdict(report))


# Linking -----------------------------------------------------------------------------------
def _link(flow: Flow, summaries) -> list[dict]:
    """Create (or find) the portal invoice of each file Chorus Pro integrated. Returns the
    flow's file entries with `invoice_id`, `chorus_invoice_id` and `link` set."""
    from invoices.flows.linked import flow_source_attach

    by_number = {item.invoice_number: item for item in summaries}
    entries = []
    deposit = None
    for entry in flow.file_names:
        entry = dict(entry)
        summary = by_number.get(entry.get("number"))
        if summary is not None:
            entry.update(_link_one(flow, entry, summary))
        if entry.pop("created", False):
            if deposit is None:
                with flow.file.open("rb") as handle:
                    deposit = handle.read()
            invoice = Invoice.objects.get(pk=entry["invoice_id"])
            flow_source_attach(flow=flow, entry=entry, invoice=invoice, deposit=deposit)
            entry["details_pending"] = True
        entries.append(entry)
    return entries


def _link_one(flow: Flow, entry: dict, summary) -> dict:
    result = {"chorus_invoice_id": summary.invoice_id}
    existing = Invoice.objects.filter(chorus_invoice_id=summary.invoice_id).first()
    if existing is not None:
        if existing.flow_id is None and existing.supplier_id == flow.supplier_id:
            # The recipient's inbox sync read this invoice before this report did, and stored it
            # as received; it is the supplier's own, deposited in this flow.
            _adopt(existing, flow, entry)
        return {**result, "invoice_id": existing.pk, "link": "linked"}
    if Invoice.objects.filter(supplier=flow.supplier, number=summary.invoice_number).exists():
        return {**result, "link": "number_taken"}
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(**_invoice_fields(flow, entry, summary))
            _flow_event(invoice, flow, entry)
    except IntegrityError:
        # A number or a Chorus Pro id that another row got meanwhile, or amounts that break
        # the invoice's invariants: shown against the file rather than lost.
        if Invoice.objects.filter(chorus_invoice_id=summary.invoice_id).exists():
            return _link_one(flow, entry, summary)
        return {**result, "link": "number_taken"}
    return {**result, "invoice_id": invoice.pk, "link": "linked", "created": True}


def _adopt(invoice: Invoice, flow: Flow, entry: dict) -> None:
    with transaction.atomic():
        adopted = Invoice.objects.filter(pk=invoice.pk, flow__isnull=True).update(
            flow=flow,
            status=Invoice.Status.SUBMITTED,
            source=Invoice.Source.FLOW,
            created_by=flow.created_by,
            chorus_flow_number=invoice.chorus_flow_number or flow.chorus_flow_number,
        )
        if adopted:
            _flow_event(invoice, flow, entry)


def _flow_event(invoice: Invoice, flow: Flow, entry: dict) -> None:
    StatusEvent.objects.create(
        invoice=invoice,
        status=Invoice.Status.SUBMITTED,
        occurred_at=timezone.now().replace(second=0, microsecond=0),
        source=StatusEvent.Source.PORTAL,
        actor=flow.created_by,
        # Written in the portal's language (French unless configured otherwise).
        comment=_("From the file %(name)s, flow %(flow)s.")
        % {"name": entry.get("name", ""), "flow": flow.chorus_flow_number},
    )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _invoice_fields(flow: Flow, entry: dict, summary) -> dict:
    now = timezone.now()
    excl = summary.total_excl_tax
    incl = summary.total_incl_tax
    if excl is None or incl is None:
        excl, incl = _decimal(entry.get("total_excl_tax")), _decimal(entry.get("total_incl_tax"))
    excl, incl = excl or Decimal(0), incl or Decimal(0)
    recipient = _recipient(summary, entry)
    service_code = summary.recipient_service_code or entry.get("service_code") or ""
    service = (
        Service.objects.filter(structure=recipient, code=service_code).first()
        if recipient and service_code
        else None
    )
    credit_note = summary.invoice_type == InvoiceType.AVOIR or bool(entry.get("credit_note"))
    issue_date = summary.invoice_date or _date(entry.get("issue_date"))
    return {
        "supplier": flow.supplier,
        "recipient": recipient,
        "service": service,
        "number": summary.invoice_number,
        "kind": Invoice.Kind.CREDIT_NOTE if credit_note else Invoice.Kind.INVOICE,
        "flow": flow,
        "issue_date": issue_date,
        "currency": (summary.currency or entry.get("currency") or "EUR")[:3].upper(),
        "commitment_number": (summary.purchase_order_number or entry.get("order_reference") or "")[
            :50
        ],
        "total_excl_tax": excl,
        "total_vat": incl - excl,
        "total_incl_tax": incl,
        "amount_due": summary.amount_due if summary.amount_due is not None else incl,
        "status": Invoice.Status.SUBMITTED,
        "chorus_invoice_id": summary.invoice_id,
        "chorus_status": summary.status.value,
        "chorus_status_changed_at": summary.status_changed_at or now,
        "chorus_flow_number": summary.flow_number or flow.chorus_flow_number,
        "deposited_on": summary.deposited_on or timezone.localdate(),
        "submitted_at": now,
        "source": Invoice.Source.FLOW,
        "created_by": flow.created_by,
    }


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _recipient(summary, entry: dict) -> Structure | None:
    siret = summary.recipient_siret or entry.get("buyer_siret") or ""
    if not re.fullmatch(r"\d{14}", siret):
        return None
    structure = Structure.objects.filter(siret=siret).first()
    if structure is not None:
        return structure
    chorus_id = summary.recipient_id
    if chorus_id is not None and Structure.objects.filter(chorus_id=chorus_id).exists():
        chorus_id = None
    # A public buyer the portal has not met yet: the directory fills in the rest when asked.
    return Structure.objects.create(
        siret=siret,
        name=(summary.recipient_name or siret)[:200],
        kind=Structure.Kind.PUBLIC,
        chorus_id=chorus_id,
    )
