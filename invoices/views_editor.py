"""The supplier's invoice editor. Every change is saved as typed (htmx) and totals come back from
the server; without JavaScript the same forms post and the page is rendered again.

Around the header form: the recipient picker (the directory's live search, served by a worker
while the page polls), the supporting documents (Chorus Pro's rules per file) and the state of
the commitment number's check against Chorus Pro.
"""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from invoices.forms import UNITS
from invoices.models import INVOICE_ATTACHMENTS_MAX_BYTES, Attachment
from invoices.selectors import (
    draft_attachment_for_space,
    draft_for_space,
    draft_line_for_space,
    recipient_services,
)
from invoices.services.commitments import commitment_check_current, commitment_check_pending
from invoices.services.drafts import (
    RecipientRefused,
    invoice_attachment_remove,
    invoice_attachment_rename_accept,
    invoice_attachments_add,
    invoice_attachments_size,
    invoice_draft_create,
    invoice_draft_form,
    invoice_draft_update,
    invoice_line_add,
    invoice_line_form,
    invoice_line_remove,
    invoice_line_update,
    invoice_recipient_set,
)
from portal.access import space_required
from portal.spaces import SpaceKind
from structures.forms import DirectorySearchForm
from structures.selectors import (
    connection_for_structure,
    directory_entries_for_supplier,
    directory_structure_for_refresh,
)
from structures.services import directory_lookup

TEMPLATE = "invoices/editor.html"


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
        "services": SimpleLazyObject(lambda: recipient_services(invoice=invoice)),
        "saved_at": timezone.localtime(invoice.updated_at),
        "units": UNITS,
        "commitment_check": check,
        "commitment_pending": commitment_check_pending(check),
        "attachments": invoice.attachments.filter(kind=Attachment.Kind.SUPPORTING),
        "attachments_size": SimpleLazyObject(
            lambda: _megabytes(invoice_attachments_size(invoice=invoice))
        ),
        "attachments_limit": _megabytes(INVOICE_ATTACHMENTS_MAX_BYTES),
        "uploads": [],
        "search_form": DirectorySearchForm(),
    }
    context.update(extra)
    return context


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
    """Buttons of the attachments region submit the header form too (its fields are posted with
    the files), so that nothing typed is lost without JavaScript either."""
    if "kind" in request.POST:
        return invoice_draft_update(invoice=invoice, data=request.POST).form
    return None


@require_POST
@space_required(SpaceKind.SUPPLIER)
def draft_new(request):
    kind = request.POST.get("kind", "invoice")
    invoice = invoice_draft_create(supplier=request.space.structure, user=request.user, kind=kind)
    return redirect("invoices:edit", invoice.pk)


@space_required(SpaceKind.SUPPLIER)
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
def draft_save(request, invoice_id: int):
    """Autosave of the header: answers with out-of-band swaps only, so the field being typed in
    is never replaced under the user's cursor."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    change = invoice_draft_update(invoice=invoice, data=request.POST)
    invoice.refresh_from_db()
    context = _editor_context(invoice, change.form, kind_changed="kind" in change.saved)
    return render(request, f"{TEMPLATE}#autosave-result", context)


@require_GET
@space_required(SpaceKind.SUPPLIER)
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
def recipient_pick(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    try:
        recipient = directory_structure_for_refresh(
            structure_id=int(request.POST.get("recipient_id", ""))
        )
        invoice_recipient_set(invoice=invoice, recipient=recipient)
    except (ValueError, RecipientRefused):
        raise Http404 from None
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    invoice.refresh_from_db()
    return render(request, f"{TEMPLATE}#recipient-picked", _editor_context(invoice, picked=True))


@require_GET
@space_required(SpaceKind.SUPPLIER)
def commitment_state(request, invoice_id: int):
    """Polled next to the commitment number while a worker checks it with Chorus Pro."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    return render(request, f"{TEMPLATE}#commitment-state", _editor_context(invoice))


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
def attachments_add(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    form = _save_header_if_posted(request, invoice)
    uploads = invoice_attachments_add(invoice=invoice, files=request.FILES.getlist("files"))
    return _attachments_answer(request, invoice, form if form and form.errors else None, uploads)


@require_POST
@space_required(SpaceKind.SUPPLIER)
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
def attachment_delete(request, invoice_id: int, attachment_id: int):
    attachment = draft_attachment_for_space(
        space=request.space, invoice_id=invoice_id, attachment_id=attachment_id
    )
    invoice = attachment.invoice
    form = _save_header_if_posted(request, invoice)
    invoice_attachment_remove(invoice=invoice, attachment=attachment)
    return _attachments_answer(request, invoice, form if form and form.errors else None, [])


@require_POST
@space_required(SpaceKind.SUPPLIER)
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
def line_remove(request, invoice_id: int, line_id: int):
    line = draft_line_for_space(space=request.space, invoice_id=invoice_id, line_id=line_id)
    invoice = line.invoice
    invoice_line_remove(line=line)
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    return render(request, f"{TEMPLATE}#totals-oob", _editor_context(invoice))
