"""Less typing in the editor: duplicate an invoice, saved products added as lines (and saved
from a line), their own page to edit or delete them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from invoices.drafting.duplicate import invoice_duplicate
from invoices.drafting.forms import UNITS
from invoices.drafting.products import (
    SavedProductForm,
    invoice_line_add_from_product,
    product_delete,
    product_for_space,
    product_from_line,
    product_save,
    products_for_space,
)
from invoices.drafting.selectors import DraftLocked, draft_for_space, draft_line_for_space
from invoices.drafting.services import invoice_line_form
from invoices.drafting.views import TEMPLATE, _confirm_page, _editor_context, answers_sent_drafts
from invoices.selectors import invoice_for_space
from portal.access import space_required
from portal.spaces import SpaceKind

PRODUCTS_TEMPLATE = "invoices/drafting/products.html"


@require_POST
@space_required(SpaceKind.SUPPLIER)
def invoice_duplicate_view(request, invoice_id: int):
    invoice = invoice_for_space(space=request.space, invoice_id=invoice_id)
    copy = invoice_duplicate(invoice=invoice, user=request.user)
    messages.success(
        request,
        _("A copy of %(number)s: check its number, dates and lines, then send it.")
        % {"number": invoice},
    )
    return redirect("invoices:edit", copy.pk)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def line_from_product(request, invoice_id: int):
    invoice = draft_for_space(space=request.space, invoice_id=invoice_id)
    try:
        product = product_for_space(
            space=request.space, product_id=int(request.POST.get("product_id", ""))
        )
    except ValueError:
        raise Http404 from None
    line = invoice_line_add_from_product(invoice=invoice, product=product)
    if not request.htmx:
        return redirect("invoices:edit", invoice.pk)
    invoice.refresh_from_db()
    context = _editor_context(invoice)
    context.update(line=line, line_form=invoice_line_form(line=line))
    return render(request, f"{TEMPLATE}#line-added", context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
@answers_sent_drafts
def line_to_product(request, invoice_id: int, line_id: int):
    line = draft_line_for_space(space=request.space, invoice_id=invoice_id, line_id=line_id)
    product = product_from_line(line=line)
    invoice = line.invoice
    if not request.htmx:
        if product is None:
            messages.error(request, _("Describe the line before saving it as a product."))
        else:
            messages.success(request, _("%(label)s is saved.") % {"label": product.label})
        return redirect(reverse("invoices:edit", args=[invoice.pk]) + "#saved-products")
    context = _editor_context(invoice, saved_product=product, save_refused=product is None)
    return render(request, f"{TEMPLATE}#saved-products", context)


def _return_to(request) -> str:
    """The draft the supplier came from, to go back to it (one of its own drafts only)."""
    try:
        invoice = draft_for_space(space=request.space, invoice_id=int(request.GET["facture"]))
    except (KeyError, ValueError, Http404, DraftLocked):
        return ""
    return reverse("invoices:edit", args=[invoice.pk])


@require_http_methods(["GET", "POST"])
@space_required(SpaceKind.SUPPLIER)
def products(request):
    """The list of saved products, and a form to add one."""
    supplier = request.space.structure
    form = SavedProductForm(supplier=supplier)
    if request.method == "POST":
        form = product_save(supplier=supplier, data=request.POST)
        if not form.errors:
            messages.success(request, _("%(label)s is saved.") % {"label": form.instance.label})
            return redirect(request.get_full_path())
    context = {
        "products": products_for_space(space=request.space),
        "form": form,
        "units": UNITS,
        "return_to": _return_to(request),
    }
    return render(request, PRODUCTS_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
@space_required(SpaceKind.SUPPLIER)
def product_edit(request, product_id: int):
    product = product_for_space(space=request.space, product_id=product_id)
    supplier = request.space.structure
    form = SavedProductForm(instance=product, supplier=supplier)
    if request.method == "POST":
        form = product_save(supplier=supplier, data=request.POST, product=product)
        if not form.errors:
            messages.success(request, _("%(label)s is saved.") % {"label": product.label})
            return redirect("invoices:products")
    context = {"product": product, "form": form, "units": UNITS}
    return render(request, "invoices/drafting/product_edit.html", context)


@require_POST
@space_required(SpaceKind.SUPPLIER)
def product_remove(request, product_id: int):
    product = product_for_space(space=request.space, product_id=product_id)
    if not request.POST.get("confirmed"):
        return _confirm_page(
            request,
            question=_("Delete the saved product %(label)s?") % {"label": product.label},
            action=reverse("invoices:product_remove", args=[product.pk]),
            cancel_url=reverse("invoices:products"),
        )
    product_delete(product=product)
    messages.success(request, _("%(label)s is deleted.") % {"label": product.label})
    return redirect("invoices:products")
