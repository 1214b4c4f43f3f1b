"""Uploading invoice files and depositing them in Chorus Pro (deposer/flux), exactly once.

The web request checks the files and records the flows (`flow_upload`); a worker deposits each
flow (`flow_send`):

1. Claim the flow with a conditional UPDATE when its attempt is due, and hold it with a short
   lease kept while the worker works (invoices/retries.py): one worker at a time; a
   worker killed mid-call leaves a lease that soon expires, and the beat task hands the flow to
   another worker.
2. On a later attempt, the earlier one may have been committed by Chorus Pro with its answer
   lost. There is no search by flow (contract §5.1: the flow number is only in deposer/flux's
   answer), so we look for the invoices of our files among the supplier's UPLOAD_API invoices
   deposited since the flow was created: when Chorus Pro already integrated them, we adopt the
   flow number they carry and deposit nothing.
3. Otherwise deposit (again). If the lost deposit was committed but not integrated yet, Chorus
   Pro integrates both, and refuses the second copy of each invoice number (20015, numbers are
   unique per supplier, §5.3): no invoice is ever created twice. The report poll then finds
   those invoices by number and links them (see report.py).
4. A transient failure sets when the next attempt is due (backoff or Retry-After) and the task
   retries then; a refusal is kept raw.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus_client import (
    ChorusAuthenticationError,
    ChorusRejectedError,
    ChorusTransientError,
    DepositMode,
    FlowDeposit,
    FlowSyntax,
    SupplierInvoiceSearch,
)
from invoices.flows.files import FileRefused, InvoiceFile, deposits_plan, invoice_file_read
from invoices.models import Flow, Invoice
from invoices.retries import WorkQueue
from invoices.signals import flow_settled
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.models import Structure
from structures.selectors import connection_for_structure

# The task that deposits a flow (invoices/flows/tasks.py).
FLOW_SEND_TASK = "invoices.flow_send"

SENDING = WorkQueue(
    Flow,
    pending=Q(status=Flow.Status.QUEUED),
    lease="send_lease_until",
    due="send_next_attempt_at",
    attempts="send_attempts",
)
FIRST_POLL_DELAY = timedelta(seconds=10)


@dataclass(frozen=True)
class RefusedFile:
    name: str
    reason: str


@dataclass
class UploadOutcome:
    flows: list[Flow] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)


def flow_upload(*, supplier: Structure, user, files: list[tuple[str, bytes]]) -> UploadOutcome:
    """Check each uploaded file, then record one flow per planned deposit and queue it.

    A refused file does not stop the others: the outcome lists the refused files with their
    reason, and the accepted ones are queued.
    """
    outcome = UploadOutcome()
    accepted: list[InvoiceFile] = []
    pending_numbers = _numbers_in_pending_flows(supplier)
    used_names: Counter[str] = Counter()
    seen_numbers: dict[str, str] = {}
    for name, content in files:
        try:
            item = invoice_file_read(name=name, content=content)
            _check_against_portal(item, supplier, seen_numbers, pending_numbers)
        except FileRefused as refusal:
            outcome.refused.append(RefusedFile(name=name, reason=refusal.reason))
            continue
        if Invoice.objects.filter(supplier=supplier, number=item.number).exists():
            outcome.refused.append(
                RefusedFile(
                    name=name,
                    reason=_(
                        "The portal already has an invoice numbered %(number)s for your "
                        "structure: each invoice number can be used once."
                    )
                    % {"number": item.number},
                )
            )
            continue
        seen_numbers[item.number] = name
        # Two uploads named alike must stay two members of a tar.gz.
        used_names[item.name] += 1
        if used_names[item.name] > 1:
            stem, dot, extension = item.name.rpartition(".")
            item = _renamed(item, f"{stem}-{used_names[item.name]}{dot}{extension}")
        accepted.append(item)
        outcome.accepted.append(name)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    with transaction.atomic():
        for planned in deposits_plan(accepted, stamp=stamp):
            flow = Flow(
                supplier=supplier,
                name=planned.name,
                syntax=planned.syntax.value,
                size=len(planned.content),
                sha256=hashlib.sha256(planned.content).hexdigest(),
                file_names=[item.summary() for item in planned.files],
                created_by=user,
            )
            flow.file.save(planned.name, ContentFile(planned.content), save=True)
            outcome.flows.append(flow)
        for flow in outcome.flows:
            enqueue(FLOW_SEND_TASK, flow.pk)
    return outcome


def _renamed(item: InvoiceFile, name: str) -> InvoiceFile:
    from dataclasses import replace

    return replace(item, name=name)


def _numbers_in_pending_flows(supplier: Structure) -> dict[str, str]:
    pending = Flow.objects.filter(supplier=supplier, status__in=Flow.UNDER_WAY).values_list(
        "name", "file_names"
    )
    return {
        entry.get("number"): flow_name
        for flow_name, entries in pending
        for entry in entries or []
        if entry.get("number")
    }


def _check_against_portal(
    item: InvoiceFile, supplier: Structure, seen: dict[str, str], pending: dict[str, str]
) -> None:
    if item.seller_siret and item.seller_siret not in (supplier.siret, supplier.siren):
        raise FileRefused(
            _(
                "The seller in the file (SIRET %(found)s) is not your structure (%(siret)s): "
                "Chorus Pro would refuse it."
            )
            % {"found": item.seller_siret, "siret": supplier.siret}
        )
    if item.number in seen:
        raise FileRefused(
            _("The file %(other)s of this upload already carries the number %(number)s.")
            % {"other": seen[item.number], "number": item.number}
        )
    if item.number in pending:
        raise FileRefused(
            _("The number %(number)s is already in the flow %(flow)s, still being processed.")
            % {"number": item.number, "flow": pending[item.number]}
        )


# Worker side ------------------------------------------------------------------------------
def _claim(flow_id: int) -> Flow | None:
    if not SENDING.claim(flow_id):
        return None
    return Flow.objects.select_related("supplier").get(pk=flow_id)


def flow_send(*, flow_id: int) -> str:
    """Deposit one queued flow; safe to run twice. Returns what happened, for logs."""
    flow = _claim(flow_id)
    if flow is None:
        return "not-claimed"
    connection = connection_for_structure(structure=flow.supplier)
    if connection is None:
        _failed(flow, _("Your structure has no Chorus Pro connection: ask your manager to set it."))
        return "failed"
    try:
        with (
            SENDING.held(flow.pk, flow.send_attempts, on_retry=_transient_note),
            chorus_client_for(connection) as client,
        ):
            if flow.send_attempts > 1:
                adopted = _lost_deposit_number(client, flow)
                if adopted and _deposited(flow, adopted, adopted=True):
                    return "adopted"
            with flow.file.open("rb") as handle:
                content = handle.read()
            answer = client.supplier.deposit_flow(
                FlowDeposit(file_name=flow.name, content=content, syntax=FlowSyntax(flow.syntax))
            )
    except ChorusRejectedError as error:
        _failed(flow, f"{error.code} – {error.message}")
        return "failed"
    except ChorusAuthenticationError as error:
        _failed(
            flow,
            _(
                "Chorus Pro refused the technical account: your structure manager must test the "
                "Chorus Pro connection and renew the password if it expired."
            )
            + f" ({error})",
        )
        return "failed"
    _deposited(flow, answer.flow_number)
    return "deposited"


def _transient_note(error: ChorusTransientError) -> dict:
    """What the flow's page says until the next attempt."""
    if error.may_have_been_processed:
        note = _(
            "The answer of Chorus Pro was lost; before sending again the portal checks whether "
            "Chorus Pro received the file."
        )
    else:
        note = _("Chorus Pro is not answering; the portal will try again.")
    return {"error_message": note}


def _lost_deposit_number(client, flow: Flow) -> str | None:
    """The flow number Chorus Pro gave an earlier, unanswered deposit of this flow, when the
    invoices it created can be found (one paged search, not one call per file)."""
    numbers = {entry["number"] for entry in flow.file_names}
    if flow.supplier.chorus_id is None or not numbers:
        return None
    filters = SupplierInvoiceSearch(
        supplier_id=flow.supplier.chorus_id,
        deposit_mode=DepositMode.UPLOAD_API,
        deposited_from=timezone.localdate(flow.created_at) - timedelta(days=1),
    )
    found = Counter(
        item.flow_number
        for item in client.supplier.iter_search(filters, page_size=500)
        if item.invoice_number in numbers and item.flow_number
    )
    taken = set(
        Flow.objects.filter(chorus_flow_number__in=list(found)).values_list(
            "chorus_flow_number", flat=True
        )
    )
    candidates = [number for number, _count in found.most_common() if number not in taken]
    return candidates[0] if candidates else None


def _deposited(flow: Flow, flow_number: str, *, adopted: bool = False) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = Flow.objects.filter(pk=flow.pk, status=Flow.Status.QUEUED).update(
                status=Flow.Status.DEPOSITED,
                chorus_flow_number=flow_number,
                send_lease_until=None,
                error_message="",
                next_poll_at=now + (timedelta(0) if adopted else FIRST_POLL_DELAY),
                updated_at=now,
            )
    except IntegrityError:
        return False  # another flow of ours already holds this number
    return bool(updated)


def _failed(flow: Flow, message: str) -> None:
    with transaction.atomic():
        failed = Flow.objects.filter(pk=flow.pk, status=Flow.Status.QUEUED).update(
            status=Flow.Status.FAILED,
            error_message=message,
            send_lease_until=None,
            updated_at=timezone.now(),
        )
        if failed:
            flow.status, flow.error_message = Flow.Status.FAILED, message
            flow_settled.send(sender=Flow, flow=flow)


def flows_lost(*, now=None) -> list[int]:
    """Queued flows whose task was lost or whose worker died, made due again: never one that
    waits for its scheduled retry."""
    return SENDING.lost(now=now)
