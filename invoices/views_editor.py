"""The supplier's invoice editor. Every change is saved as typed (htmx) and totals come back from
the server; without JavaScript the same forms post and the page is rendered again."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from invoices.forms import UNITS
from invoices.selectors import draft_for_space, draft_line_for_space, recipient_services
from invoices.services.drafts import (
    invoice_draft_create,
    invoice_draft_form,
    invoice_draft_update,
    invoice_line_add,
    invoice_line_form,
    invoice_line_remove,
    invoice_line_update,
)
from portal.access import space_required
from portal.spaces import SpaceKind

TEMPLATE = "invoices/editor.html"


def _editor_context(invoice, form=None):
    lines = list(invoice.lines.order_by("position"))
    return {
        "invoice": invoice,
        "form": form or invoice_draft_form(invoice=invoice),
        "line_forms": [(line, invoice_line_form(line=line)) for line in lines],
        "vat_lines": invoice.vat_lines.all(),
        "services": recipient_services(invoice=invoice),
        "saved_at": timezone.localtime(invoice.updated_at),
        "units": UNITS,
    }


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
    return render(request, TEMPLATE, _editor_context(invoice, form))


@require_POST
@space_required(SpaceKind.SUPPLIER)
def draft_save(request, invoice_id: int):
    """Autosave of the header: answers with out-of-band swaps only, so the field being typed in
    is never replaced under the user's cursor."""
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    change = invoice_draft_update(invoice=invoice, data=request.POST)
    invoice.refresh_from_db()
    return render(request, f"{TEMPLATE}#autosave-result", _editor_context(invoice, change.form))


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
