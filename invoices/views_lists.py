"""The invoice lists of each space: supplier home, recipient inbox, validator queue."""

from django.core.paginator import Paginator
from django.shortcuts import render

from invoices.selectors import invoice_list_for_space
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
