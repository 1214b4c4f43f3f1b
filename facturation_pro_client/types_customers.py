"""The account, its firms and their customers.

Facturation.pro's field names are already English snake_case; the dataclasses keep them (so the
doc's "Liste des champs" reads straight onto them) except where a name alone would mislead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .wire import compact


class SortDirection(StrEnum):
    """``sort``: ``asc`` or ``desc``."""

    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, kw_only=True)
class Firm:
    """One firm (entreprise) of the account: its ``id`` is the FIRM_ID of every other path."""

    id: int
    name: str


@dataclass(frozen=True, kw_only=True)
class Account:
    """``GET /account.json``: the user behind the API key and the firms it may work on."""

    id: int
    email: str | None
    firms: tuple[Firm, ...]

    def firm(self, firm_id: int) -> Firm | None:
        return next((firm for firm in self.firms if firm.id == firm_id), None)


class CustomerMode(StrEnum):
    """``mode`` of the customer list; without it, only active customers are listed."""

    ALL = "all"
    COMPANY = "company"
    INDIVIDUAL = "individual"
    ARCHIVED = "archived"


class CustomerOrder(StrEnum):
    """``order`` of the customer list (default: short name, ascending)."""

    LAST_INVOICE = "last_invoice"
    LAST_PAID = "last_paid"
    CREATED = "created"
    UPDATED = "updated"


@dataclass(frozen=True, kw_only=True)
class CustomerFilters:
    """Optional parameters of ``GET /firms/FIRM_ID/customers.json``.

    ``api_id`` is an exact match; ``api_custom``, ``company``, ``last_name``, ``email`` and
    ``account_code`` are partial matches; ``category_id=0`` finds customers without a category.
    """

    api_id: int | None = None
    api_custom: str | None = None
    company: str | None = None
    last_name: str | None = None
    email: str | None = None
    category_id: int | None = None
    account_code: str | None = None
    mode: CustomerMode | None = None
    order: CustomerOrder | None = None
    sort: SortDirection | None = None

    def params(self) -> dict[str, Any]:
        return compact({
            "api_id": self.api_id, "api_custom": self.api_custom, "company": self.company,
            "last_name": self.last_name, "email": self.email, "category_id": self.category_id,
            "account_code": self.account_code, "mode": self.mode, "order": self.order,
            "sort": self.sort,
        })


@dataclass(frozen=True, kw_only=True)
class Customer:
    """A customer of the firm (``GET /firms/FIRM_ID/customers/ID.json``).

    ``siret`` is the API's ``siret`` field as typed by the user (may hold spaces, or nothing for
    an individual or a foreign company). ``pay_before`` is a payment-term code (``"30"``,
    ``"30fm"``, ``"0"``...). ``vat_exemption`` and ``default_vat`` are the customer's defaults.
    """

    id: int
    company_name: str | None
    individual: bool
    civility: str | None
    first_name: str | None
    last_name: str | None
    short_name: str | None
    siret: str | None
    vat_number: str | None
    email: str | None
    invoice_email: str | None
    phone: str | None
    street: str | None
    zip_code: str | None
    city: str | None
    country: str | None
    currency: str | None
    language: str | None
    pay_before: str | None
    default_vat: Decimal | None
    vat_exemption: str | None
    account_code: str | None
    reference: str | None
    category_id: int | None
    api_id: int | None
    api_custom: str | None
    notes: str | None
    last_invoiced_on: date | None
    last_paid_on: date | None
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def display_name(self) -> str:
        """The company name, else "first last", else the short name."""
        person = " ".join(part for part in (self.first_name, self.last_name) if part)
        return self.company_name or person or self.short_name or f"#{self.id}"

    @property
    def siret_digits(self) -> str | None:
        """The SIRET without the spaces people type in it, or None when it is not 14 digits."""
        digits = "".join((self.siret or "").split())
        return digits if len(digits) == 14 and digits.isdigit() else None
