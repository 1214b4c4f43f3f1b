"""The invoice page, shared by the three spaces, and attachment downloads.

Each part of the app adds its own panel to the page through a `detail_panel` function (supplier
answers, recipient treatment and validator decisions, documents and the payment clock), so the
page is assembled here and each panel's logic stays with its part.
"""

from django.http import FileResponse
from django.shortcuts import render

from invoices import views_actions, views_documents, views_treatment
from invoices.selectors import attachment_for_space, invoice_for_space, invoice_timeline
from invoices.services.submission import submission_error_explained
from portal.access import space_required
from portal.spaces import SpaceKind

PANELS = (views_actions, views_treatment, views_documents)


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def invoice_detail(request, invoice_id: int):
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/invoice_detail.html"
    context = {
        "refusal_advice": submission_error_explained(code=invoice.submission_error_code)
        if invoice.status == invoice.Status.SUBMISSION_REFUSED
        else "",
        "invoice": invoice,
    }
    if request.htmx and request.GET.get("region") == "progress":
        # Polled every 2 s while a worker sends the invoice: only the status region is drawn,
        # so neither the panels nor the timeline are worked out for it.
        return render(request, f"{template}#progress", context)
    context.update(
        lines=invoice.lines.all(),
        vat_lines=invoice.vat_lines.all(),
        events=invoice_timeline(invoice=invoice, space=request.space),
    )
    for panel in PANELS:
        context.update(panel.detail_panel(request=request, invoice=invoice))
    return render(request, template, context)


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def attachment_download(request, attachment_id: int):
    attachment = attachment_for_space(space=request.space, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=attachment.name,
        content_type=attachment.content_type,
    )
