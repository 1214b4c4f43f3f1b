from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render

from invoices.selectors import (
    attachment_for_space,
    invoice_for_space,
    invoice_list_for_space,
    invoice_timeline,
)
from invoices.services.submission import submission_error_explained
from portal.access import space_required
from portal.spaces import SpaceKind

PAGE_SIZE = 25


def _invoice_list_page(request, template: str):
    invoices = invoice_list_for_space(space=request.space)
    page = Paginator(invoices.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, template, {"page": page})


@space_required(SpaceKind.SUPPLIER)
def supplier_home(request):
    return _invoice_list_page(request, "invoices/supplier_home.html")


@space_required(SpaceKind.RECIPIENT)
def recipient_inbox(request):
    return _invoice_list_page(request, "invoices/recipient_inbox.html")


@space_required(SpaceKind.VALIDATOR)
def validator_queue(request):
    return _invoice_list_page(request, "invoices/validator_queue.html")


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def invoice_detail(request, invoice_id: int):
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/invoice_detail.html"
    if request.htmx and request.GET.get("region") == "progress":
        template += "#progress"
    return render(
        request,
        template,
        {
            "refusal_advice": submission_error_explained(code=invoice.submission_error_code)
            if invoice.status == invoice.Status.SUBMISSION_REFUSED
            else "",
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "vat_lines": invoice.vat_lines.all(),
            "attachments": invoice.attachments.all(),
            "events": invoice_timeline(invoice=invoice),
        },
    )


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def attachment_download(request, attachment_id: int):
    attachment = attachment_for_space(space=request.space, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=attachment.name,
        content_type=attachment.content_type,
    )
