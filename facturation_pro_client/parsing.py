"""From the API's JSON objects to the client's dataclasses (strict: a missing required field or an
unknown payment mode is a protocol error, never a silent None)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import FacturationProProtocolError
from .paging import Page
from .types_customers import Account, Customer, Firm
from .types_invoices import (
    Attachment,
    Invoice,
    InvoiceItem,
    LineStyle,
    PaymentMode,
    Settlement,
)
from .wire import Reader, loads


def account(item: Reader) -> Account:
    return Account(id=item.integer("id"), email=item.opt_text("email"),
                   firms=tuple(Firm(id=firm.integer("id"), name=firm.text("name"))
                               for firm in item.items("firms")))


def customer(item: Reader) -> Customer:
    return Customer(
        id=item.integer("id"), company_name=item.opt_text("company_name"),
        individual=item.flag("individual"), civility=item.opt_text("civility"),
        first_name=item.opt_text("first_name"), last_name=item.opt_text("last_name"),
        short_name=item.opt_text("short_name"), siret=item.opt_text("siret"),
        vat_number=item.opt_text("vat_number"), email=item.opt_text("email"),
        invoice_email=item.opt_text("invoice_email"), phone=item.opt_text("phone"),
        street=item.opt_text("street"), zip_code=item.opt_text("zip_code"),
        city=item.opt_text("city"), country=item.opt_text("country"),
        currency=item.opt_text("currency"), language=item.opt_text("language"),
        pay_before=item.opt_text("pay_before"), default_vat=item.opt_amount("default_vat"),
        vat_exemption=item.opt_text("vat_exemption"),
        account_code=item.opt_text("account_code"), reference=item.opt_text("reference"),
        category_id=item.opt_integer("category_id"), api_id=item.opt_integer("api_id"),
        api_custom=item.opt_text("api_custom"), notes=item.opt_text("notes"),
        last_invoiced_on=item.opt_day("last_invoiced_on"),
        last_paid_on=item.opt_day("last_paid_on"), created_at=item.opt_moment("created_at"),
        updated_at=item.opt_moment("updated_at"))


def invoice_item(item: Reader) -> InvoiceItem:
    return InvoiceItem(
        id=item.opt_integer("id"), position=item.opt_integer("position"),
        title=item.opt_text("title"),
        quantity=item.opt_amount("quantity") or Decimal(0),
        measure=item.opt_text("measure"),
        unit_price=item.opt_amount("unit_price") or Decimal(0),
        vat_rate=item.opt_amount("vat") or Decimal(0),
        total_excl_tax=item.opt_amount("total") or Decimal(0),
        style=item.opt_enum("style", LineStyle), optional=item.flag("optional"),
        product_id=item.opt_integer("product_id"), nature=item.opt_integer("nature"))


def settlement(item: Reader) -> Settlement:
    # The doc's own list sample spells it "payement_ref" once; accept that spelling too.
    reference = item.opt_text("payment_ref") or item.opt_text("payement_ref")
    return Settlement(id=item.integer("id"), invoice_id=item.integer("invoice_id"),
                      amount=item.amount("total"),
                      payment_mode=item.enum("payment_mode", PaymentMode),
                      paid_on=item.day("paid_on"), payment_ref=reference)


def attachment(item: Reader) -> Attachment:
    visible = item.data.get("visible")
    return Attachment(
        id=item.integer("id"), invoice_id=item.opt_integer("invoice_id"),
        customer_id=item.opt_integer("customer_id"),
        document_name=item.text("document_name"),
        document_size=item.opt_integer("document_size"),
        download_url=item.opt_text("download_url"),
        visible=None if visible is None else item.flag("visible"),
        title=item.opt_text("title"))


def invoice(item: Reader) -> Invoice:
    items = item.opt_items("items")
    settlements = item.opt_items("settlements")
    files = item.opt_items("files")
    return Invoice(
        id=item.integer("id"), invoice_ref=item.opt_text("invoice_ref"),
        full_invoice_ref=item.opt_text("full_invoice_ref"), draft=item.flag("draft"),
        external=item.flag("external"), external_ref=item.opt_text("external_ref"),
        customer_id=item.integer("customer_id"),
        customer_name=item.opt_text("customer_identity") or item.opt_text("customer_name"),
        title=item.opt_text("title"), invoiced_on=item.opt_day("invoiced_on"),
        term_on=item.opt_day("term_on"), delivery_on=item.opt_day("delivery_on"),
        paid_on=item.opt_day("paid_on"),
        payment_mode=item.opt_enum("payment_mode", PaymentMode),
        payment_ref=item.opt_text("payment_ref"), pay_before=item.opt_text("pay_before"),
        currency=item.opt_text("currency"), language=item.opt_text("language"),
        total_excl_tax=item.amount("total"),
        total_incl_tax=item.opt_amount("total_with_vat"),
        balance=item.opt_amount("balance"),
        rebate_percentage=item.opt_amount("rebate_percentage"),
        vat_exemption=item.opt_text("vat_exemption"),
        purchase_number=item.opt_text("purchase_number"),
        information=item.opt_text("information"), internal_note=item.opt_text("internal_note"),
        api_id=item.opt_integer("api_id"), api_custom=item.opt_text("api_custom"),
        refund_id=item.opt_integer("refund_id"), quote_id=item.opt_integer("quote_id"),
        category_id=item.opt_integer("category_id"),
        created_at=item.opt_moment("created_at"), updated_at=item.opt_moment("updated_at"),
        items=None if items is None else tuple(invoice_item(line) for line in items),
        settlements=None if settlements is None else tuple(settlement(s) for s in settlements),
        files=None if files is None else tuple(attachment(f) for f in files))


def pagination(header: str | None, operation: str) -> dict[str, int]:
    """The ``X-Pagination`` header: ``{"current_page", "total_pages", "per_page",
    "total_entries"}``; a list answer without it does not follow the doc."""
    try:
        info = loads(header) if header else None
        if not isinstance(info, dict):
            raise ValueError
        return {key: int(info[key]) for key in
                ("current_page", "total_pages", "per_page", "total_entries")}
    except (KeyError, TypeError, ValueError):
        raise FacturationProProtocolError(
            f"a list answer came without a valid X-Pagination header ({header!r})",
            operation=operation) from None


def page[T](body: Any, header: str | None, operation: str, parse: Any) -> Page[T]:
    if not isinstance(body, list):
        raise FacturationProProtocolError("a list answer is a JSON array", operation=operation)
    info = pagination(header, operation)
    items = [parse(Reader(entry, operation=operation, path=f"[{index}]"))
             for index, entry in enumerate(body)]
    return Page(page=info["current_page"], pages=info["total_pages"],
                page_size=info["per_page"], total=info["total_entries"], items=items)
