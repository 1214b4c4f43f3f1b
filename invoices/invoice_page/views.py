"""The invoice page, shared by the three spaces, and attachment downloads.

Each part of the app adds its own panel to the page through a `detail_panel` function (supplier
answers, recipient treatment and validator decisions, documents and the payment clock), so the
page is assembled here and each panel's logic stays with its part.
"""

from django.shortcuts import render

from invoices.answers import views as answers
from invoices.commitments import views as commitments
from invoices.documents import views as documents
from invoices.invoice_page.refusals import invoice_validator_refusal
from invoices.invoice_page.steps import invoice_steps
from invoices.selectors import attachment_for_space, invoice_for_space, invoice_timeline
from invoices.sending.resync import invoice_watched
from invoices.sending.submission import submission_error_explained
from invoices.treatment import views as treatment
from invoices.works import views as works
from portal.access import space_required
from portal.file_responses import stored_file_response
from portal.spaces import SpaceKind

PANELS = (answers, treatment, documents, commitments, works)
FOLLOWED_PANELS = (
    answers.detail_panel,
    treatment.detail_panel,
    documents.clock_panel,
)


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def invoice_detail(request, invoice_id: int):
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    template = "invoices/invoice_page/detail.html"
    context = {
        "refusal_advice": submission_error_explained(code=invoice.submission_error_code)
        if invoice.status == invoice.Status.SUBMISSION_REFUSED
        else "",
        "invoice": invoice,
        "refusal": invoice_validator_refusal(invoice=invoice),
    }
    context["events"] = invoice_timeline(invoice=invoice, space=request.space)
    context["steps"] = invoice_steps(invoice=invoice, events=context["events"])
    if request.htmx and request.GET.get("region") == "progress":
        # Polled while the invoice is in transit (invoice.in_transit): its status, the panels
        # that depend on it (answers, payment clock) and the timeline are drawn again together,
        # not the lines nor the documents; the region stops polling once the status settles.
        invoice_watched(invoice=invoice)
        for panel in FOLLOWED_PANELS:
            context.update(panel(request=request, invoice=invoice))
        context["oob"] = True
        return render(request, f"{template}#followed", context)
    context.update(lines=invoice.lines.all(), vat_lines=invoice.vat_lines.all())
    for panel in PANELS:
        context.update(panel.detail_panel(request=request, invoice=invoice))
    return render(request, template, context)


@space_required(SpaceKind.SUPPLIER, SpaceKind.RECIPIENT, SpaceKind.VALIDATOR)
def attachment_download(request, attachment_id: int):
    attachment = attachment_for_space(space=request.space, attachment_id=attachment_id)
    return stored_file_response(
        request,
        attachment.file,
        filename=attachment.name,
        content_type=attachment.content_type,
        inline=request.GET.get("inline") == "1",
    )
