"""Invoices, their lines, settlements and attached files.

Two API names are renamed because alone they mislead: an invoice's and a line's ``total`` is the
amount *excluding* VAT (``total_excl_tax``), ``total_with_vat`` includes it (``total_incl_tax``);
a settlement's ``total`` is the amount paid (``amount``). Everything else keeps its API name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from typing import Any

from .types_customers import SortDirection
from .wire import compact

CENT = Decimal("0.01")


class PaymentMode(IntEnum):
    """``payment_mode`` of a sale (doc "Valeurs spécifiques / payment_mode (facture)")."""

    UNPAID = 0
    PAYPAL = 1
    CARD = 2
    TRANSFER = 3
    CHEQUE = 4
    CASH = 5
    CESU = 6
    DIRECT_DEBIT = 8
    TIP = 9
    MEAL_VOUCHER = 30
    GIFT_CHEQUE = 31
    HOLIDAY_VOUCHER = 32
    LCR = 50
    BOR = 51
    CREDIT_NOTE = 90
    OTHER = 99
    BAD_DEBT = 999


class BillType(StrEnum):
    """``bill_type`` of the invoice list. ``INVOICE`` gives finalised invoices, ``DRAFT`` drafts."""

    PAID = "paid"
    UNPAID = "unpaid"
    TERM = "term"  # due date passed, to chase
    INVOICE = "invoice"
    EXTERNAL = "external"
    REFUND = "refund"
    DOWN_PAYMENT = "down_payment"
    DRAFT = "draft"
    NOTES = "notes"
    NOVA = "nova"


class PeriodType(StrEnum):
    """What ``period_start`` / ``period_end`` bound: payment dates (the API's default) or
    invoice dates (``billed``)."""

    PAID = ""
    BILLED = "billed"


class InvoiceOrder(StrEnum):
    """``order`` of the invoice list (default: invoice number, descending)."""

    CUSTOMER = "customer"
    PAID = "paid"
    TOTAL = "total"
    BILLED = "billed"
    TERM = "term"
    CREATED = "created"
    UPDATED = "updated"


class LineStyle(StrEnum):
    """``style`` of a line; a standard line has none."""

    COMMENT = "comment"
    TITLE = "title"
    SUBTOTAL = "subtotal"
    NEW_PAGE = "new_page"


_PERIOD = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _period(value: date | str | None) -> str | None:
    if value is None or isinstance(value, date):
        return value.isoformat() if value else None
    if not _PERIOD.fullmatch(value):
        raise ValueError(f"a period bound is a date or 'YYYY-MM', not {value!r}")
    return value


@dataclass(frozen=True, kw_only=True)
class InvoiceFilters:
    """Optional parameters of ``GET /firms/FIRM_ID/invoices.json``.

    ``period_start`` / ``period_end``: a date or a ``"YYYY-MM"`` month, bounding payment dates
    unless ``period_type`` is ``BILLED``. ``with_details`` adds lines and files to each invoice,
    ``with_settlements`` its settlements. Exact matches: ``api_id``, ``full_invoice_ref``,
    ``customer_id``; the other texts match partially.
    """

    bill_type: BillType | None = None
    customer_id: int | None = None
    period_start: date | str | None = None
    period_end: date | str | None = None
    period_type: PeriodType = PeriodType.PAID
    invoice_ref: str | None = None
    full_invoice_ref: str | None = None
    payment_ref: str | None = None
    title: str | None = None
    company: str | None = None
    last_name: str | None = None
    api_id: int | None = None
    api_custom: str | None = None
    category_id: int | None = None
    followup_id: int | None = None
    user_id: int | None = None
    with_details: bool = False
    with_settlements: bool = False
    order: InvoiceOrder | None = None
    sort: SortDirection | None = None

    def __post_init__(self) -> None:
        _period(self.period_start)
        _period(self.period_end)

    def params(self) -> dict[str, Any]:
        return compact({
            "bill_type": self.bill_type, "customer_id": self.customer_id,
            "period_start": _period(self.period_start), "period_end": _period(self.period_end),
            "period_type": self.period_type.value or None, "invoice_ref": self.invoice_ref,
            "full_invoice_ref": self.full_invoice_ref, "payment_ref": self.payment_ref,
            "title": self.title, "company": self.company, "last_name": self.last_name,
            "api_id": self.api_id, "api_custom": self.api_custom,
            "category_id": self.category_id, "followup_id": self.followup_id,
            "user_id": self.user_id, "with_details": 1 if self.with_details else None,
            "with_settlements": 1 if self.with_settlements else None, "order": self.order,
            "sort": self.sort,
        })


@dataclass(frozen=True, kw_only=True)
class InvoiceItem:
    """One line. ``vat_rate`` is a fraction as the API writes it (``0.200`` for 20 %)."""

    id: int | None
    position: int | None
    title: str | None
    quantity: Decimal
    measure: str | None
    unit_price: Decimal
    vat_rate: Decimal
    total_excl_tax: Decimal
    style: LineStyle | None
    optional: bool
    product_id: int | None
    nature: int | None

    @property
    def is_billed(self) -> bool:
        """A standard line counted in the totals (not a comment, title, subtotal or option)."""
        return self.style is None and not self.optional


@dataclass(frozen=True, kw_only=True)
class VatAmount:
    """The VAT of one rate: ``base`` excluding VAT and ``amount`` of VAT, to the cent."""

    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Settlement:
    """A (partial) settlement recorded on an invoice; ``amount`` is the API's ``total``."""

    id: int
    invoice_id: int
    amount: Decimal
    payment_mode: PaymentMode
    paid_on: date
    payment_ref: str | None


@dataclass(frozen=True, kw_only=True)
class NewSettlement:
    """What ``create_settlement`` sends: the amount received, when and how, and a reference."""

    amount: Decimal
    paid_on: date
    payment_mode: PaymentMode
    payment_ref: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite() or not self.amount:
            raise ValueError("a settlement amount is a non-zero Decimal")
        if self.payment_mode is PaymentMode.UNPAID:
            raise ValueError("a settlement needs a payment mode other than UNPAID")


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file attached to an invoice (or a customer): ``download_url`` needs the API key too."""

    id: int
    invoice_id: int | None
    customer_id: int | None
    document_name: str
    document_size: int | None
    download_url: str | None
    visible: bool | None
    title: str | None


@dataclass(frozen=True, kw_only=True)
class InvoiceUpdate:
    """The writable fields ``update_invoice`` may change on a finalised invoice.

    Fields left at None are not sent, so they keep their value; send ``""`` to empty a text.
    ``api_id`` / ``api_custom`` are the free "API" fields (a number, a text up to 255 chars);
    ``internal_note`` is never shown to the customer; ``information`` is printed on the PDF.
    Setting ``paid_on`` with a ``payment_mode`` marks the whole invoice paid.
    """

    api_id: int | None = None
    api_custom: str | None = None
    internal_note: str | None = None
    information: str | None = None
    purchase_number: str | None = None
    paid_on: date | None = None
    payment_mode: PaymentMode | None = None
    payment_ref: str | None = None

    def __post_init__(self) -> None:
        if self.api_custom is not None and len(self.api_custom) > 255:
            raise ValueError("api_custom holds at most 255 characters")
        if self.purchase_number is not None and len(self.purchase_number) > 100:
            raise ValueError("purchase_number holds at most 100 characters")

    def body(self) -> dict[str, Any]:
        body = compact({
            "api_id": self.api_id, "api_custom": self.api_custom,
            "internal_note": self.internal_note, "information": self.information,
            "purchase_number": self.purchase_number, "paid_on": self.paid_on,
            "payment_mode": self.payment_mode, "payment_ref": self.payment_ref,
        })
        if not body:
            raise ValueError("an InvoiceUpdate must change at least one field")
        return body


@dataclass(frozen=True, kw_only=True)
class Invoice:
    """An invoice (``GET /firms/FIRM_ID/invoices/ID.json``).

    ``invoice_ref`` is its number (None on a draft), ``full_invoice_ref`` the number with the
    firm's prefix, as printed. ``items``, ``settlements`` and ``files`` are None when the answer
    left them out (a list without ``with_details`` / ``with_settlements``). ``balance`` is what
    remains due.
    """

    id: int
    invoice_ref: str | None
    full_invoice_ref: str | None
    draft: bool
    external: bool
    external_ref: str | None
    customer_id: int
    customer_name: str | None
    title: str | None
    invoiced_on: date | None
    term_on: date | None
    delivery_on: date | None
    paid_on: date | None
    payment_mode: PaymentMode | None
    payment_ref: str | None
    pay_before: str | None
    currency: str | None
    language: str | None
    total_excl_tax: Decimal
    total_incl_tax: Decimal | None
    balance: Decimal | None
    rebate_percentage: Decimal | None
    vat_exemption: str | None
    purchase_number: str | None
    information: str | None
    internal_note: str | None
    api_id: int | None
    api_custom: str | None
    refund_id: int | None
    quote_id: int | None
    category_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    items: tuple[InvoiceItem, ...] | None
    settlements: tuple[Settlement, ...] | None
    files: tuple[Attachment, ...] | None

    @property
    def vat_total(self) -> Decimal | None:
        if self.total_incl_tax is None:
            return None
        return self.total_incl_tax - self.total_excl_tax

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    def vat_breakdown(self) -> list[VatAmount]:
        """VAT per rate, computed from the lines (the API gives only the totals).

        Steps: 1. sum the excluding-VAT totals of billed lines per rate; 2. apply the global
        ``rebate_percentage``; 3. round each base and its VAT to the cent, half up. The sum of the
        amounts may differ from ``vat_total`` by a cent when Facturation.pro rounds per line.
        """
        if self.items is None:
            raise ValueError("the invoice was read without its lines (use get_invoice)")
        bases: dict[Decimal, Decimal] = defaultdict(Decimal)
        for item in self.items:
            if item.is_billed:
                bases[item.vat_rate.normalize()] += item.total_excl_tax
        keep = 1 - (self.rebate_percentage or Decimal(0)) / 100
        breakdown = []
        for rate in sorted(bases, reverse=True):
            base = (bases[rate] * keep).quantize(CENT, ROUND_HALF_UP)
            breakdown.append(VatAmount(rate=rate, base=base,
                                       amount=(base * rate).quantize(CENT, ROUND_HALF_UP)))
        return breakdown
