"""The supplier's invoice editor. Every change is saved as typed (htmx) and totals come back from
the server; without JavaScript the same forms post and the page is rendered again.

Around the header form: the recipient picker (the directory's live search, served by a worker
while the page polls), the supporting documents (Chorus Pro's rules per file) and the state of
the commitment number's check against Chorus Pro.
"""

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from invoices.commitments.statuses import commitment_refusal_reason
from invoices.drafting.commitments import commitment_check_current, commitment_check_pending
from invoices.drafting.forms import UNITS
from invoices.drafting.recent import recent_recipients, recipient_services_used_first
from invoices.drafting.selectors import (
    DraftLocked,
    draft_attachment_for_space,
    draft_for_space,
    draft_line_for_space,
)
from invoices.drafting.services import (
    RecipientRefused,
    invoice_attachment_remove,
    invoice_attachment_rename_accept,
    invoice_attachments_add,
    invoice_attachments_size,
    invoice_draft_delete,
    invoice_draft_form,
    invoice_draft_start,
    invoice_draft_update,
    invoice_line_add,
    invoice_line_form,
    invoice_line_remove,
    invoice_line_update,
    invoice_recipient_set,
)
from invoices.models import INVOICE_ATTACHMENTS_MAX_BYTES, Attachment, Invoice
from invoices.upload_rules import file_input_attrs
from portal.access import space_required
from portal.spaces import SpaceKind
from structures.forms import DirectorySearchForm
from structures.selectors import (
    connection_for_structure,
    directory_entries_for_supplier,
    directory_structure_for_refresh,
)
from structures.services import directory_lookup, supplier_bank_accounts

TEMPLATE = "invoices/drafting/editor.html"


def answers_sent_drafts(view):
    """A draft sent since the page was opened (another tab, Back after sending) is no longer
    editable: say so and lead to the invoice, never a 404. An htmx request gets a notice in
    place and nothing else swapped, so what is on the screen stays there."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DraftLocked as locked:
            invoice = locked.invoice
            if request.htmx:
                response = render(request, f"{TEMPLATE}#draft-locked", {"invoice": invoice})
                response["HX-Reswap"] = "none"
                return response
            messages.info(request, _("This invoice has been sent: it can no longer be changed."))
            return redirect("invoices:detail", invoice.pk)

    return wrapper


def _editor_context(invoice, form=None, **extra):
    """The whole page's context. Most answers draw one region (the commitment state is polled,
    the header autosaved as typed), so what costs queries is worked out only when drawn."""
    check = commitment_check_current(invoice=invoice)
    context = {
        "invoice": invoice,
        "form": form or SimpleLazyObject(lambda: invoice_draft_form(invoice=invoice)),
        "line_forms": SimpleLazyObject(
            lambda: [
                (line, invoice_line_form(line=line)) for line in invoice.lines.order_by("position")
            ]
        ),
        "vat_lines": invoice.vat_lines.all(),
        "services": SimpleLazyObject(lambda: recipient_services_used_first(invoice=invoice)),
        "recent_recipients": SimpleLazyObject(lambda: recent_recipients(supplier=invoice.supplier)),
        "saved_products": SimpleLazyObject(
            lambda: list(invoice.supplier.saved_products.order_by("label"))
        ),
        "saved_at": timezone.localtime(invoice.updated_at),
        "units": UNITS,
        "commitment_check": check,
        "commitment_pending": commitment_check_pending(check),
        "commitment_refusal": commitment_refusal_reason(
            status=check.get("status") if check and check.get("found") else None,
            number=invoice.commitment_number,
        ),
        "attachments": invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING),
        "attachments_size": SimpleLazyObject(
            lambda: _megabytes(invoice_attachments_size(invoice=invoice))
        ),
        "attachments_limit": _megabytes(INVOICE_ATTACHMENTS_MAX_BYTES),
        "uploads": [],
        "upload_attrs": file_input_attrs(),
        "search_form": DirectorySearchForm(),
        "bank_accounts": SimpleLazyObject(
            lambda: supplier_bank_accounts(supplier=invoice.supplier)
        ),
    }
    context.update(extra)
    return context


def _error_fields(form, invoice, *, kind_changed: bool) -> list:
    """The header fields whose error region the page shows, for the autosave's out-of-band
    swaps: htmx reports every swap whose target is missing. The original invoice number shows
    on credit notes only, and comes with its whole region when the type changes; the service
    has its own region."""
    shown_original = invoice.kind == Invoice.Kind.CREDIT_NOTE and not kind_changed
    return [
        field
        for field in form
        if field.name != "service_code" and (field.name != "original_number" or shown_original)
    ]


def _megabytes(size: int) -> str:
    # As Chorus Pro and the upload errors state the limits: megabytes, one decimal.
    return formats.number_format(Decimal(size) / (1024 * 1024), 1) + " Mo"


def _picker_context(request, search_form) -> dict:
    """The directory lookup for what was typed in the picker: found, pending (poll), or why not."""
    query = search_form.query()
    outcome, entries = None, []
    if query is not None:
        supplier = request.space.structure
        outcome = directory_lookup(
            connection=connection_for_structure(structure=supplier), query=query
        )
        if outcome.state == "found":
            entries = directory_entries_for_supplier(
                supplier=supplier, structures=outcome.structures
            )
    return {"search_form": search_form, "query": query, "outcome": outcome, "entries": entries}


def _save_header_if_posted(request, invoice):
    """The buttons that add files submit the header form too (its fields are posted with the
    files), so that nothing typed is lost without JavaScript either."""
    if "kind" in request.POST:
        return invoice_draft_update(invoice=invoice, data=request.POST).form
    return None


def _confirm_page(request, *, question: str, action: str, cancel_url: str):
    """Without JavaScript (no confirmation dialog), a removal is asked again on a page."""
    return render(
        request,
        "invoices/drafting/confirm_removal.html",
        {"question": question, "action": action, "cancel_url": cancel_url},
    )


@require_POST
@space_required(SpaceKind.SUPPLIER)
def draft_new(request):
    invoice = invoice_draft_start(
        supplier=request.space.structure,
        user=request.user,
        kind=request.POST.get("kind", Invoice.Kind.INVOICE),
    )
    return redirect("invoices:edit", invoice.pk)


@require_http_methods(["GET", "POST"])
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def draft_delete(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    if request.method == "POST" and request.POST.get("confirmed"):
        invoice_draft_delete(invoice=invoice)
        messages.success(request, _("The draft is deleted."))
        return redirect("invoices:supplier_home")
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        question = _("Delete this credit note draft?")
    else:
        question = _("Delete this invoice draft?")
    return _confirm_page(
        request,
        question=question,
        action=reverse("invoices:draft_delete", args=[invoice.pk]),
        cancel_url=reverse("invoices:edit", args=[invoice.pk]),
    )


@never_cache
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def edit(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    form = None
    if request.method == "POST":
        change = invoice_draft_update(invoice=invoice, data=request.POST)
        if change.ok:
            return redirect("invoices:edit", invoice.pk)
        form = change.form
    extra = {}
    if request.method == "GET" and "q" in request.GET:
        extra = _picker_context(request, DirectorySearchForm(request.GET))
    return render(request, TEMPLATE, _editor_context(invoice, form, **extra))


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def draft_save(request, invoice_id: int):
    """Autosave of the header: answers with out-of-band swaps only, so the field being typed in
    is never replaced under the user's cursor."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    change = invoice_draft_update(invoice=invoice, data=request.POST)
    invoice.refresh_from_db()
    kind_changed = "kind" in change.saved
    context = _editor_context(
        invoice,
        change.form,
        kind_changed=kind_changed,
        error_fields=_error_fields(change.form, invoice, kind_changed=kind_changed),
    )
    return render(request, f"{TEMPLATE}#autosave-result", context)


@require_GET
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def recipient_search(request, invoice_id: int):
    """The picker's live search (htmx, debounced; polled while a worker asks Chorus Pro)."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    if not request.htmx:
        url = reverse("invoices:edit", args=[invoice.pk])
        return redirect(f"{url}?{urlencode({'q': request.GET.get('q', '')})}#recipient-picker")
    context = _editor_context(invoice, **_picker_context(request, DirectorySearchForm(request.GET)))
    return render(request, f"{TEMPLATE}#recipient-results", context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def recipient_pick(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    try:
        recipient = directory_structure_for_refresh(
            structure_id=int(request.POST.get("recipient_id", ""))
        )
        service_id = request.POST.get("service_id")
        invoice_recipient_set(
            invoice=invoice,
            recipient=recipient,
            service_id=int(service_id) if service_id else None,
        )
    except (ValueError, RecipientRefused):
        raise Http404 from None
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    invoice.refresh_from_db()
    return render(request, f"{TEMPLATE}#recipient-picked", _editor_context(invoice, picked=True))


@require_GET
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def commitment_state(request, invoice_id: int):
    """Polled next to the commitment number while a worker checks it with Chorus Pro."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    return render(request, f"{TEMPLATE}#commitment-state", _editor_context(invoice))


@require_GET
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def bank_accounts(request, invoice_id: int):
    """Polled next to the bank account while a worker reads the supplier's accounts."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    return render(request, f"{TEMPLATE}#bank-account-field", _editor_context(invoice))


def _attachments_answer(request, invoice, form, uploads):
    invoice.refresh_from_db()
    context = _editor_context(invoice, form, uploads=uploads)
    if request.htmx:
        return render(request, f"{TEMPLATE}#attachments-result", context)
    if form is None and all(upload.attachment for upload in uploads):
        return redirect(reverse("invoices:edit", args=[invoice.pk]) + "#attachments")
    # Refused files (or a header field in error) are explained on the page itself.
    return render(request, TEMPLATE, context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def attachments_add(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    form = _save_header_if_posted(request, invoice)
    uploads = invoice_attachments_add(invoice=invoice, files=request.FILES.getlist("files"))
    return _attachments_answer(request, invoice, form if form and form.errors else None, uploads)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def attachment_rename(request, invoice_id: int):
    """Accept the shorter name offered for a file held aside (or the name the user typed)."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    form = _save_header_if_posted(request, invoice)
    token = request.POST.get("token", "")
    name = request.POST.get(f"name-{token}", "").strip()
    upload = invoice_attachment_rename_accept(invoice=invoice, token=token, name=name)
    return _attachments_answer(request, invoice, form if form and form.errors else None, [upload])


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def attachment_delete(request, invoice_id: int, attachment_id: int):
    attachment = draft_attachment_for_space(
        space=request.space, invoice_id=invoice_id, attachment_id=attachment_id
    )
    invoice = attachment.invoice
    if not request.POST.get("confirmed"):
        return _confirm_page(
            request,
            question=_("Remove %(name)s?") % {"name": attachment.name},
            action=reverse("invoices:attachment_delete", args=[invoice.pk, attachment.pk]),
            cancel_url=reverse("invoices:edit", args=[invoice.pk]) + "#attachments",
        )
    invoice_attachment_remove(invoice=invoice, attachment=attachment)
    return _attachments_answer(request, invoice, None, [])


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def line_add(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    line = invoice_line_add(invoice=invoice)
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    context = _editor_context(invoice)
    context.update(line=line, line_form=invoice_line_form(line=line))
    return render(request, f"{TEMPLATE}#line-added", context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def line_save(request, invoice_id: int, line_id: int):
    line = draft_line_for_space(space=request.space, invoice_id=invoice_id, line_id=line_id)
    change = invoice_line_update(line=line, data=request.POST)
    line.refresh_from_db()  # the totals service recomputed its total
    invoice = line.invoice
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    context = _editor_context(invoice)
    context.update(line=line, line_form=change.form)
    return render(request, f"{TEMPLATE}#line-saved", context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def line_remove(request, invoice_id: int, line_id: int):
    line = draft_line_for_space(space=request.space, invoice_id=invoice_id, line_id=line_id)
    invoice = line.invoice
    if not request.POST.get("confirmed"):
        return _confirm_page(
            request,
            question=_("Remove line %(position)s?") % {"position": line.position},
            action=reverse("invoices:line_remove", args=[invoice.pk, line.pk]),
            cancel_url=reverse("invoices:edit", args=[invoice.pk]),
        )
    invoice_line_remove(line=line)
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    return render(request, f"{TEMPLATE}#totals-oob", _editor_context(invoice))
