"""Pre-flight check, submission and its progress. The request only queues the work."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from invoices.drafting.selectors import draft_for_space
from invoices.drafting.views import answers_sent_drafts
from invoices.sending.preflight import invoice_preflight
from invoices.sending.recap import checks_that_apply, invoice_preview_pdf, invoice_recap
from invoices.sending.selectors import refused_invoice_for_space
from invoices.sending.submission import NotReady, invoice_reopen, invoice_submit
from portal.access import space_required
from portal.file_responses import PDF_POLICY
from portal.spaces import SpaceKind


# Never from the browser's cache: Back after sending must not offer to send again.
@never_cache
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def preflight(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    checks = invoice_preflight(invoice=invoice)
    return render(
        request,
        "invoices/sending/preflight.html",
        {
            "invoice": invoice,
            "checks": checks_that_apply(checks, invoice=invoice),
            "ready": all(c.ok for c in checks),
            "recap": invoice_recap(invoice=invoice),
        },
    )


@never_cache
@xframe_options_sameorigin  # shown in an <iframe> of the pre-flight page, never framed elsewhere
@require_GET
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def preview_pdf(request, invoice_id: int):
    """The PDF the invoice will carry, drawn from the draft as it stands (not stored)."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    pdf = invoice_preview_pdf(invoice=invoice)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="apercu.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_POLICY
    return response


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def submit(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    try:
        invoice_submit(invoice=invoice, user=request.user)
    except NotReady:
        messages.error(request, _("Some checks do not pass yet: fix them, then send again."))
        return redirect("invoices:preflight", invoice.pk)
    # No flash message: the page's status region says where the sending stands, and follows it.
    return redirect("invoices:detail", invoice.pk)


@require_POST
@space_required(SpaceKind.SUPPLIER)
def reopen(request, invoice_id: int):
    invoice = refused_invoice_for_space(space=request.space, invoice_id=invoice_id)
    invoice_reopen(invoice=invoice, user=request.user)
    return redirect("invoices:edit", invoice.pk)
