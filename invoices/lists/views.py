"""The invoice lists of each space: supplier home, recipient inbox, validator queue, CSV exports.

Each list page is one template whose `list-region` partial is what htmx swaps when the filters
change or a page link is followed; without JavaScript the same links and form load the whole page.
"""

from datetime import timedelta

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from invoices.dashboards.charts import dashboard_charts
from invoices.dashboards.selectors import dashboard_for_space
from invoices.lists.exports import invoice_csv_lines
from invoices.lists.forms import InvoiceListFilterForm
from invoices.lists.selectors import (
    invoice_page_for_space,
    invoice_summary_for_space,
    last_inbox_sync,
)
from portal.access import space_required
from portal.spaces import SpaceKind


def _list_page(request, template: str, page_context=dict):
    """The list, its filters and pager; ``page_context`` adds what only the whole page shows."""
    form = InvoiceListFilterForm(request.GET, space=request.space)
    page = invoice_page_for_space(
        space=request.space,
        filters=form.filters(),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    context = {"form": form, "page": page}
    # A history restore asks for the whole page even though it comes from htmx.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, f"{template}#list-region", context)
    else:
        context.update(page_context())
        response = render(request, template, context)
    # The same address answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _dashboard(space) -> dict:
    """The dashboard above the list (whole pages only: the list's htmx swaps leave it)."""
    dashboard = dashboard_for_space(space=space)
    return {"dashboard": dashboard, "charts": dashboard_charts(dashboard)}


@space_required(SpaceKind.SUPPLIER)
def supplier_home(request):
    return _list_page(
        request,
        "invoices/lists/supplier_home.html",
        lambda: {
            "summary": invoice_summary_for_space(space=request.space),
            **_dashboard(request.space),
        },
    )


@space_required(SpaceKind.RECIPIENT)
def recipient_inbox(request):
    return _list_page(
        request,
        "invoices/lists/recipient_inbox.html",
        lambda: {**_inbox_sync_state(request.space), **_dashboard(request.space)},
    )


def _inbox_sync_state(space) -> dict:
    synced = last_inbox_sync(space=space)
    return {
        "synced_until": synced,
        # "0 minutes ago" reads oddly: under a minute the page says "just now".
        "synced_just_now": synced is not None and timezone.now() - synced < timedelta(minutes=1),
    }


@space_required(SpaceKind.VALIDATOR)
def validator_queue(request):
    return _list_page(
        request, "invoices/lists/validator_queue.html", lambda: _dashboard(request.space)
    )


def _export(request):
    form = InvoiceListFilterForm(request.GET, space=request.space)
    lines = invoice_csv_lines(space=request.space, filters=form.filters())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"factures-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@space_required(SpaceKind.SUPPLIER)
def supplier_export(request):
    return _export(request)


@space_required(SpaceKind.RECIPIENT)
def recipient_export(request):
    return _export(request)


@space_required(SpaceKind.VALIDATOR)
def validator_export(request):
    return _export(request)
