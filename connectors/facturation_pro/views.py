"""The supplier's "Invoicing software" page: connect a Facturation.pro account, import its
invoices to public entities, send them, follow what comes back. Everything that talks to
Facturation.pro or Chorus Pro runs in workers; the page polls its board while work is under way.
"""

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from connectors.facturation_pro import services
from connectors.facturation_pro.forms import ConnectForm, CustomerServiceForm, SelectionForm
from connectors.facturation_pro.selectors import (
    PAGE_LENGTH,
    fpro_board_state,
    fpro_connection_for_space,
    fpro_customer_for_space,
    fpro_customers_to_complete,
    fpro_import_refusal_text,
    fpro_invoice_counts,
    fpro_invoices_for_space,
    fpro_may_connect,
    fpro_outcome_text,
    fpro_run_latest,
    fpro_service_for_customer,
)
from portal.access import space_required
from portal.spaces import SpaceKind

TEMPLATE = "connectors/facturation_pro/page.html"


def _board(request, connection) -> dict:
    if connection is None:
        return {"connection": None}
    rows = list(fpro_invoices_for_space(space=request.space)[:PAGE_LENGTH])
    for row in rows:
        row.refusal = fpro_import_refusal_text(error=row.error) if row.error else ""
    state = fpro_board_state(connection=connection)
    return {
        "connection": connection,
        "rows": rows,
        "counts": fpro_invoice_counts(connection=connection),
        "customers_to_complete": fpro_customers_to_complete(connection=connection),
        "run": fpro_run_latest(connection=connection),
        "state": state,
        "outcome_message": fpro_outcome_text(connection=connection),
    }


@space_required(SpaceKind.SUPPLIER)
def page(request):
    connection = fpro_connection_for_space(space=request.space)
    if connection is not None and connection.test_requested_at is None:
        # Never tested (an account set up by the demo or support): test it now, in a worker.
        services.fpro_connection_test_request(connection=connection)
    context = _board(request, connection)
    may_connect = fpro_may_connect(user=request.user, space=request.space)
    initial = {}
    if connection is not None:
        initial = {
            "api_id": connection.api_id,
            "firm_id": connection.firm_id,
            "auto_import": connection.auto_import,
        }
    context.update(
        may_connect=may_connect,
        form=ConnectForm(initial=initial, key_required=connection is None),
    )
    board_only = request.htmx and request.GET.get("region") == "board"
    return render(request, TEMPLATE + "#board" if board_only else TEMPLATE, context)


@space_required(SpaceKind.SUPPLIER)
def connect(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not fpro_may_connect(user=request.user, space=request.space):
        messages.error(request, _("Only a manager of your structure may connect an account."))
        return redirect("facturation_pro:page")
    connection = fpro_connection_for_space(space=request.space)
    form = ConnectForm(request.POST, key_required=connection is None)
    if not form.is_valid():
        context = _board(request, connection)
        context.update(may_connect=True, form=form)
        return render(request, TEMPLATE, context)
    services.fpro_connection_save(structure=request.space.structure, **form.cleaned_data)
    messages.success(request, _("Account saved: the portal is testing it with Facturation.pro."))
    return redirect("facturation_pro:page")


def _connected(request):
    connection = fpro_connection_for_space(space=request.space)
    if connection is None:
        messages.error(request, _("Connect a Facturation.pro account first."))
    return connection


@space_required(SpaceKind.SUPPLIER)
@require_POST
def test(request):
    connection = _connected(request)
    if connection is not None:
        services.fpro_connection_test_request(connection=connection)
    return redirect("facturation_pro:page")


@space_required(SpaceKind.SUPPLIER)
@require_POST
def disconnect(request):
    connection = _connected(request)
    if connection is not None and fpro_may_connect(user=request.user, space=request.space):
        services.fpro_connection_delete(connection=connection)
        messages.success(request, _("The Facturation.pro account is disconnected."))
    return redirect("facturation_pro:page")


@space_required(SpaceKind.SUPPLIER)
@require_POST
def refresh(request):
    connection = _connected(request)
    if connection is not None:
        services.fpro_catalogue_request(connection=connection)
    return redirect("facturation_pro:page")


@space_required(SpaceKind.SUPPLIER)
@require_POST
def import_invoices(request):
    connection = _connected(request)
    form = SelectionForm(request.POST)
    if connection is None or not form.is_valid():
        return redirect("facturation_pro:page")
    ids = form.ids()
    if ids is not None:
        rows = fpro_invoices_for_space(space=request.space, ids=ids)
        ids = list(rows.values_list("pk", flat=True))
    if ids == []:
        messages.error(request, _("Tick the invoices to import."))
        return redirect("facturation_pro:page")
    run = services.fpro_import_request(connection=connection, user=request.user, row_ids=ids)
    if run is None:
        messages.info(request, _("Nothing new to import."))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d invoice is being imported.",
                "%(count)d invoices are being imported.",
                run.total,
            )
            % {"count": run.total},
        )
    return redirect("facturation_pro:page")


@space_required(SpaceKind.SUPPLIER)
@require_POST
def send(request):
    form = SelectionForm(request.POST)
    form.is_valid()
    rows = list(fpro_invoices_for_space(space=request.space, ids=form.cleaned_data["invoice"]))
    outcome = services.fpro_invoices_send(rows=rows, user=request.user)
    if outcome.queued:
        messages.success(
            request,
            ngettext(
                "%(count)d invoice queued for Chorus Pro.",
                "%(count)d invoices queued for Chorus Pro.",
                len(outcome.queued),
            )
            % {"count": len(outcome.queued)},
        )
    for invoice in outcome.not_ready:
        messages.warning(
            request,
            _("Invoice %(number)s is not ready: open its check to see what is missing.")
            % {"number": invoice.number},
        )
    if not outcome.queued and not outcome.not_ready:
        messages.error(request, _("Tick imported invoices that are still drafts."))
    return redirect("facturation_pro:page")


@space_required(SpaceKind.SUPPLIER)
@require_POST
def customer_service(request, customer_id: int):
    customer = fpro_customer_for_space(space=request.space, customer_id=customer_id)
    form = CustomerServiceForm(request.POST)
    if form.is_valid():
        service = fpro_service_for_customer(
            customer=customer, service_id=form.cleaned_data["service"]
        )
        services.fpro_customer_service_set(customer=customer, service=service)
        messages.success(
            request,
            _("Service %(service)s remembered for %(customer)s.")
            % {"service": service.code, "customer": customer.name},
        )
    return redirect("facturation_pro:page")
