"""Invoice documents fetched from Chorus Pro (telecharger/groupe) by a worker, and the recipient's
first opening of an invoice.

A web request only records an InvoiceDownload; `invoice_download_run` (a Celery task) fetches it:

1. Claim the row with a conditional UPDATE when its attempt is due (queued, waiting for its
   retry, or left by a worker whose lease expired), so one worker holds it at a time, with a
   short lease kept while it works (invoices/retries.py).
2. On the first run, split the selection into parts that each stay within Chorus Pro's 120 MB
   limit (contract §5.12, §8.3). Chorus Pro does not say how big a bundle will be before it is
   built (its search answer's `taille` is not given by every environment), so the plan uses what
   the portal knows: the sizes of the attachments it holds (every attachment for a ZIP, the main
   one for a PDF), plus room for what Chorus Pro adds (a generated PDF, ZIP headers). Invoices
   received from Chorus Pro have no local attachments and count for that room only.
3. Fetch each part in turn. When Chorus Pro still answers HTTP 413 (the estimate was short), the
   part is halved and both halves are fetched instead; a single invoice over the limit is
   reported on its part, and the others go on.
4. Store each part as a file, count it done, and mark its invoices downloaded by the recipient
   (as Chorus Pro does). Parts already stored are skipped when a run resumes after a retry.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_noop

from chorus_client import (
    ChorusAuthenticationError,
    ChorusRejectedError,
    DownloadFormat,
)
from invoices.models import Attachment, Invoice, InvoiceDownload
from invoices.retries import WorkQueue
from portal.jobs import enqueue
from structures.chorus import chorus_client_for, error_verdict
from structures.models import Structure
from structures.selectors import connection_for_structure

# The task that fetches a download from Chorus Pro (invoices/documents/tasks.py).
DOWNLOAD_TASK = "invoices.download"

DOWNLOADS = WorkQueue(
    InvoiceDownload,
    pending=Q(status__in=[InvoiceDownload.Status.QUEUED, InvoiceDownload.Status.RUNNING]),
    lease="lease_until",
    due="next_attempt_at",
    attempts="attempts",
)
DEFAULT_MAX_BYTES = 120 * 1024 * 1024  # contract §5.12: beyond this Chorus Pro answers 413
# Room per invoice for what Chorus Pro adds to the files we know of: a PDF it generates when the
# invoice has none, and the ZIP headers. Undercounting costs one 413 and a halving, not a failure.
ESTIMATE_ROOM_PER_INVOICE = 16 * 1024
MAX_SELECTION = 500

TOO_LARGE = gettext_noop("This invoice alone is over Chorus Pro's download limit (120 MB).")
NO_CONNECTION = gettext_noop("Your structure has no Chorus Pro connection.")


def download_max_bytes() -> int:
    return int(getattr(settings, "CHORUS_DOWNLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


# --- queueing (web side) -----------------------------------------------------------------------


def invoice_download_request(
    *, user, structure: Structure, invoices: list[Invoice], file_format: str
) -> InvoiceDownload:
    """Record a download of ``invoices`` (already scoped to the user's space) and hand it to a
    worker once the transaction commits."""
    with transaction.atomic():
        download = InvoiceDownload.objects.create(
            user=user, structure=structure, format=file_format
        )
        download.invoices.set(invoices)
    enqueue(DOWNLOAD_TASK, download.pk)
    return download


def invoice_pdf_fetch(
    *, user, structure: Structure, invoice: Invoice, again: bool = False
) -> InvoiceDownload:
    """The fetch of one invoice's PDF for its page: the user's latest one, or a new one queued
    when there is none (or ``again``, after a failure)."""
    latest = invoice_pdf_fetch_latest(user=user, invoice=invoice)
    if latest is not None and not (again and latest.status == InvoiceDownload.Status.FAILED):
        return latest
    return invoice_download_request(
        user=user, structure=structure, invoices=[invoice], file_format=InvoiceDownload.Format.PDF
    )


def invoice_pdf_fetch_latest(*, user, invoice: Invoice) -> InvoiceDownload | None:
    return (
        InvoiceDownload.objects.filter(user=user, format=InvoiceDownload.Format.PDF)
        .annotate(invoice_count=Count("invoices"))
        .filter(invoice_count=1, invoices=invoice)
        .order_by("-created_at", "-pk")
        .first()
    )


def invoice_opened_by_recipient(*, invoice: Invoice, user) -> bool:
    """An agent of the recipient opened the invoice: it is no longer new. Only the first opening
    counts (conditional UPDATE). Returns whether this was the first."""
    opened = Invoice.objects.filter(pk=invoice.pk, recipient_opened_at__isnull=True).update(
        recipient_opened_at=timezone.now()
    )
    if opened:
        invoice.recipient_opened_at = Invoice.objects.values_list(
            "recipient_opened_at", flat=True
        ).get(pk=invoice.pk)
    return bool(opened)


# --- planning -----------------------------------------------------------------------------------


def invoice_download_estimates(*, invoice_ids: list[int], file_format: str) -> dict[int, int]:
    """Estimated bytes each invoice adds to a telecharger/groupe bundle (see the module doc)."""
    attachments = Attachment.objects.filter(invoice_id__in=invoice_ids)
    if file_format == InvoiceDownload.Format.PDF:
        attachments = attachments.filter(kind=Attachment.Kind.MAIN)
    estimates = dict.fromkeys(invoice_ids, ESTIMATE_ROOM_PER_INVOICE)
    for invoice_id, size in attachments.values_list("invoice_id", "size"):
        estimates[invoice_id] += size
    return estimates


def download_plan(*, estimates: dict[int, int], max_bytes: int) -> list[list[int]]:
    """Consecutive groups of invoice ids whose estimates add up to at most ``max_bytes``, in the
    order of the selection. An invoice over the limit on its own gets a group of its own."""
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for invoice_id, size in estimates.items():
        if current and total + size > max_bytes:
            groups.append(current)
            current, total = [], 0
        current.append(invoice_id)
        total += size
    if current:
        groups.append(current)
    return groups


def _new_part(invoice_ids: list[int]) -> dict:
    return {"invoice_ids": invoice_ids, "name": "", "file": "", "size": 0, "error": ""}


def part_is_done(part: dict) -> bool:
    return bool(part.get("file") or part.get("error"))


# --- the worker ---------------------------------------------------------------------------------


def _claim(download_id: int) -> InvoiceDownload | None:
    if not DOWNLOADS.claim(download_id, status=InvoiceDownload.Status.RUNNING):
        return None
    return InvoiceDownload.objects.select_related("structure").get(pk=download_id)


def _save_progress(download: InvoiceDownload, *, release: bool = False, **fields) -> None:
    """Store the parts and the progress; the lease is given up with ``release``."""
    download.progress = sum(1 for part in download.parts if part_is_done(part))
    if release:
        fields["lease_until"] = None
    InvoiceDownload.objects.filter(pk=download.pk).update(
        parts=download.parts, progress=download.progress, **fields
    )


def _finish(download: InvoiceDownload, status: str, error_message: str = "") -> None:
    _save_progress(
        download,
        release=True,
        status=status,
        error_message=error_message,
        finished_at=timezone.now(),
    )


def _file_name(download: InvoiceDownload, part: dict, numbers: dict[int, str], data: bytes):
    extension = "pdf" if data[:4] == b"%PDF" else "zip" if data[:2] == b"PK" else "bin"
    ids = part["invoice_ids"]
    if len(ids) == 1:
        stem = f"facture-{numbers[ids[0]]}"
    else:
        stem = f"factures-{download.pk}-{download.parts.index(part) + 1}"
    return get_valid_filename(f"{stem}.{extension}")


def invoice_download_run(*, download_id: int) -> str:
    """Worker side; safe to run twice. Returns what happened, for logs."""
    download = _claim(download_id)
    if download is None:
        return "not-claimed"
    invoices = {
        invoice.pk: invoice
        for invoice in download.invoices.only("pk", "number", "chorus_invoice_id", "recipient_id")
    }
    if not download.parts:
        estimates = invoice_download_estimates(
            invoice_ids=sorted(invoices), file_format=download.format
        )
        plan = download_plan(estimates=estimates, max_bytes=download_max_bytes())
        download.parts = [_new_part(group) for group in plan]
        _save_progress(download)
    connection = connection_for_structure(structure=download.structure)
    if connection is None:
        _finish(download, InvoiceDownload.Status.FAILED, NO_CONNECTION)
        return "failed"
    numbers = {pk: invoice.number for pk, invoice in invoices.items()}
    try:
        # On a transient failure the parts already stored are kept; the retry fetches the rest.
        with (
            DOWNLOADS.held(download.pk, download.attempts, on_retry=_queued_again),
            chorus_client_for(connection) as client,
        ):
            while (part := _next_part(download)) is not None:
                _fetch_part(client, download, part, invoices, numbers)
                _save_progress(download)
    except ChorusAuthenticationError as error:
        _finish(download, InvoiceDownload.Status.FAILED, error_verdict(error).message)
        return "failed"
    except ChorusRejectedError as error:
        _finish(download, InvoiceDownload.Status.FAILED, error.message or str(error))
        return "failed"
    _finish(download, InvoiceDownload.Status.READY)
    return "ready"


def _next_part(download: InvoiceDownload) -> dict | None:
    return next((part for part in download.parts if not part_is_done(part)), None)


def _fetch_part(client, download, part, invoices, numbers) -> None:
    ids = part["invoice_ids"]
    try:
        data = client.recipient.download(
            [invoices[pk].chorus_invoice_id for pk in ids],
            file_format=DownloadFormat.PDF,
            include_supporting=download.format == InvoiceDownload.Format.ZIP,
        )
    except ChorusRejectedError as error:
        if error.http_status != 413:
            raise
        if len(ids) == 1:
            part["error"] = TOO_LARGE
            return
        # Our estimate was short: halve the part in place and fetch both halves.
        middle = len(ids) // 2
        at = download.parts.index(part)
        download.parts[at : at + 1] = [_new_part(ids[:middle]), _new_part(ids[middle:])]
        return
    name = _file_name(download, part, numbers, data)
    part["name"] = name
    # A random folder: the path of a recipient's bundle cannot be guessed.
    path = f"downloads/{download.pk}/{uuid.uuid4().hex}/{name}"
    part["file"] = default_storage.save(path, ContentFile(data))
    part["size"] = len(data)
    recipient_ids = [pk for pk in ids if invoices[pk].recipient_id == download.structure_id]
    Invoice.objects.filter(pk__in=recipient_ids).update(downloaded_by_recipient=True)


def _queued_again(_error) -> dict:
    return {"status": InvoiceDownload.Status.QUEUED}


def downloads_lost(*, now=None) -> list[int]:
    """Downloads whose task was lost, made due again: never one that waits for its retry."""
    return DOWNLOADS.lost(now=now)
