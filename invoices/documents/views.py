"""Documents of an invoice (the PDF in the page, attachments), downloads from Chorus Pro of one
invoice or a selection, a deposited flow's file, and the payment clock panel."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from invoices.documents.downloads import (
    invoice_download_request,
    invoice_opened_by_recipient,
    invoice_pdf_fetch,
    invoice_pdf_fetch_latest,
)
from invoices.documents.forms import DownloadGroupForm
from invoices.documents.selectors import invoice_download_for_space, invoice_download_list_for_space
from invoices.flows.selectors import flow_for_space
from invoices.models import Attachment, InvoiceDownload
from invoices.payment_clock import payment_clock_for
from invoices.selectors import invoice_for_space
from portal.access import space_required
from portal.file_responses import stored_file_response
from portal.spaces import SpaceKind

# Chorus Pro's telecharger/groupe belongs to the recipient side (contract §5.12); a supplier has
# the documents it sent.
FETCHING_SPACES = (SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
ALL_SPACES = (SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
UNDER_WAY = (InvoiceDownload.Status.QUEUED, InvoiceDownload.Status.RUNNING)
DOCUMENTS_TEMPLATE = "invoices/documents/_panel.html"


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page (templates/invoices/detail/)."""
    space = request.space
    if space.kind == SpaceKind.RECIPIENT and invoice.recipient_id == space.structure.pk:
        invoice_opened_by_recipient(invoice=invoice, user=request.user)
    return {
        **clock_panel(request=request, invoice=invoice),
        **_documents(request, invoice, start_fetch=True),
    }


def clock_panel(*, request, invoice) -> dict:
    """The payment clock, for the two sides that pay and get paid."""
    show_clock = request.space.kind in (SpaceKind.RECIPIENT, SpaceKind.SUPPLIER) and bool(
        invoice.chorus_invoice_id
    )
    return {"payment_clock": payment_clock_for(invoice=invoice) if show_clock else None}


def _documents(request, invoice, *, start_fetch: bool, again: bool = False) -> dict:
    attachments = list(invoice.attachments.all())
    main = next((a for a in attachments if a.kind == Attachment.Kind.MAIN), None)
    local_pdf = main if main and main.content_type == "application/pdf" else None
    can_fetch = request.space.kind in FETCHING_SPACES and bool(invoice.chorus_invoice_id)
    fetch = None
    if local_pdf is None and can_fetch:
        if start_fetch:
            # Chorus Pro holds the only copy (an invoice received from it): a worker fetches it.
            fetch = invoice_pdf_fetch(
                user=request.user, structure=request.space.structure, invoice=invoice, again=again
            )
        else:
            fetch = invoice_pdf_fetch_latest(user=request.user, invoice=invoice)
    return {
        "invoice": invoice,
        "document_attachments": attachments,
        "document_local_pdf": local_pdf,
        "document_fetch": fetch,
        "document_fetched_pdf": _fetched_pdf(fetch),
        "document_fetching": fetch is not None and fetch.status in UNDER_WAY,
        "document_can_download": can_fetch,
        "download_formats": InvoiceDownload.Format.choices,
    }


def _fetched_pdf(fetch: InvoiceDownload | None) -> dict | None:
    if fetch is None or fetch.status != InvoiceDownload.Status.READY or not fetch.parts:
        return None
    part = fetch.parts[0]
    return part if part.get("file", "").endswith(".pdf") else None


@require_http_methods(["GET", "POST"])
@space_required(*ALL_SPACES)
def invoice_document(request, invoice_id: int):
    """The PDF viewer region: polled while the PDF is fetched; POST fetches it again."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    again = request.method == "POST"
    context = _documents(request, invoice, start_fetch=again, again=again)
    if again and not request.htmx:
        return redirect("invoices:detail", invoice.pk)
    return render(request, f"{DOCUMENTS_TEMPLATE}#viewer", context)


@xframe_options_sameorigin  # shown in an <iframe> of the invoice page, never framed elsewhere
@space_required(*ALL_SPACES)
def invoice_pdf(request, invoice_id: int):
    """The invoice's PDF, inline: the local main document, or the copy fetched from Chorus Pro."""
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    context = _documents(request, invoice, start_fetch=False)
    if context["document_local_pdf"] is not None:
        local = context["document_local_pdf"]
        return stored_file_response(
            request, local.file, filename=local.name, content_type="application/pdf", inline=True
        )
    fetched = context["document_fetched_pdf"]
    if fetched is None:
        raise Http404
    return stored_file_response(
        request,
        fetched["file"],
        filename=fetched["name"],
        content_type="application/pdf",
        inline=True,
    )


@require_http_methods(["GET", "POST"])
@space_required(*FETCHING_SPACES)
def download_group(request):
    """GET: the user's downloads. POST (repeated ``invoice``, ``format``): queue a download."""
    form = DownloadGroupForm(request.POST or None, space=request.space)
    if request.method == "POST" and form.is_valid():
        download = invoice_download_request(
            user=request.user,
            structure=request.space.structure,
            invoices=form.cleaned_data["invoice"],
            file_format=form.cleaned_data["format"],
        )
        return redirect("invoices:download_detail", download.pk)
    downloads = invoice_download_list_for_space(space=request.space, user=request.user)
    context = {
        "form": form,
        "downloads": downloads.prefetch_related("invoices")[:20],
    }
    return render(request, "invoices/documents/download_list.html", context)


@space_required(*FETCHING_SPACES)
def download_detail(request, download_id: int):
    download = invoice_download_for_space(
        space=request.space, user=request.user, download_id=download_id
    )
    template = "invoices/documents/download_detail.html"
    if request.htmx:
        template += "#progress"
    context = {
        "download": download,
        "download_invoices": download.invoices.order_by("pk"),
        "parts": list(enumerate(download.parts, 1)),
        "under_way": download.status in UNDER_WAY,
    }
    return render(request, template, context)


@space_required(*FETCHING_SPACES)
def download_part(request, download_id: int, index: int):
    download = invoice_download_for_space(
        space=request.space, user=request.user, download_id=download_id
    )
    if not 1 <= index <= len(download.parts) or not download.parts[index - 1].get("file"):
        raise Http404
    part = download.parts[index - 1]
    return stored_file_response(request, part["file"], filename=part["name"])


@space_required(SpaceKind.SUPPLIER)
def flow_file(request, flow_id: int):
    """The file a supplier deposited, as it was sent to Chorus Pro."""
    flow = flow_for_space(space=request.space, flow_id=flow_id)
    return stored_file_response(request, flow.file, filename=flow.name)
