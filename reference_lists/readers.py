"""How each reference list is read from Chorus Pro (Transverses API), as (scope, code, label)
rows in Chorus Pro's order. The one place that knows which operation gives which list."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chorus_client import ChorusClient, PageRequest, PaymentRequestType
from reference_lists.models import ReferenceEntry

Row = tuple[str, str, str]
Kind = ReferenceEntry.Kind
# Solicitation categories come in pages; the list is small (tens of entries).
CATEGORY_PAGE_SIZE = 100
CATEGORY_MAX_PAGES = 20


def _codes(values: Iterable, scope: str = "") -> list[Row]:
    return [(scope, str(value), "") for value in values]


def _labelled(items: Iterable, scope: str = "") -> list[Row]:
    return [(scope, item.code, item.label or "") for item in items]


def _per_request_type(read: Callable[[PaymentRequestType], Iterable], labelled: bool) -> list[Row]:
    rows: list[Row] = []
    for request_type in PaymentRequestType:
        items = read(request_type)
        rows += _labelled(items, request_type) if labelled else _codes(items, request_type)
    return rows


def _solicitation_categories(client: ChorusClient) -> list[Row]:
    rows: list[Row] = []
    for number in range(1, CATEGORY_MAX_PAGES + 1):
        page = client.transverses.solicitation_categories(
            page=PageRequest(page=number, page_size=CATEGORY_PAGE_SIZE)
        )
        rows += _labelled(page.items)
        if number >= page.pages or not page.items:
            break
    return rows


READERS: dict[str, Callable[[ChorusClient], list[Row]]] = {
    Kind.BILLING_FRAMEWORK: lambda client: _per_request_type(
        lambda request_type: client.transverses.billing_frameworks(
            payment_request_type=request_type
        ),
        labelled=False,
    ),
    Kind.PAYMENT_MODE: lambda client: _codes(client.transverses.payment_modes()),
    Kind.VAT_EXEMPTION_REASON: lambda client: _labelled(client.transverses.vat_exemption_reasons()),
    Kind.CURRENCY: lambda client: _labelled(client.transverses.currencies()),
    Kind.COUNTRY: lambda client: _labelled(client.transverses.countries()),
    Kind.ATTACHMENT_TYPE: lambda client: [
        (str(item.object_type), item.code, item.label)
        for item in client.transverses.attachment_types()
    ],
    Kind.IDENTIFIER_TYPE: lambda client: _codes(client.transverses.identifier_types()),
    Kind.STRUCTURE_TYPE: lambda client: _codes(client.transverses.structure_kinds()),
    Kind.INVOICE_TYPE: lambda client: _codes(client.transverses.payment_request_types()),
    Kind.INVOICE_STATE: lambda client: _per_request_type(
        client.transverses.payment_request_states, labelled=False
    ),
    Kind.FLOW_SYNTAX: lambda client: _codes(client.transverses.flow_syntaxes()),
    Kind.DEPOSIT_MODE: lambda client: _codes(client.transverses.deposit_modes()),
    Kind.SOLICITATION_CATEGORY: _solicitation_categories,
}
