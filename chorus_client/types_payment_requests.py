"""rechercher/demandePaiement (contract §5.14): payment requests of every space at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .types_common import BillingFramework, InvoiceStatus, InvoiceType, PaymentRequestType


class UserRole(StrEnum):
    """``roleUtilisateur`` (contract §9.10 [S: GO]): the space a search looks in."""

    FOURNISSEUR = "FOURNISSEUR"
    DESTINATAIRE = "DESTINATAIRE"
    VALIDATEUR = "VALIDATEUR"
    MOE = "MOE"
    MOA = "MOA"


@dataclass(frozen=True, kw_only=True)
class PaymentRequestSearch:
    """Filters of rechercher/demandePaiement; all optional. Without ``role``, every space the
    account works in. ``archived`` searches the archive base (``DP_ARCHIVE``) instead."""

    role: UserRole | None = None
    archived: bool = False
    payment_request_type: PaymentRequestType | None = None
    invoice_number: str | None = None
    invoice_type: InvoiceType | None = None
    framework: BillingFramework | None = None
    status: InvoiceStatus | None = None
    supplier_id: int | None = None
    recipient_id: int | None = None
    validator_id: int | None = None
    purchase_order_number: str | None = None
    contract_number: str | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None
    invoice_date_from: date | None = None
    invoice_date_until: date | None = None
    status_changed_from: date | datetime | None = None
    status_changed_until: date | datetime | None = None


@dataclass(frozen=True, kw_only=True)
class PaymentRequestSummary:
    payment_request_id: int
    number: str
    payment_request_type: PaymentRequestType | None
    invoice_type: InvoiceType | None
    framework: BillingFramework | None
    status: InvoiceStatus
    status_changed_at: datetime | None
    status_comment: str | None
    deposited_on: date | None
    invoice_date: date | None
    archived: bool
    supplier_id: int | None
    supplier_identifier: str | None
    recipient_id: int | None
    recipient_identifier: str | None
    recipient_service_code: str | None
    first_validator_id: int | None
    second_validator_id: int | None
    total_excl_tax: Decimal | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None
    purchase_order_number: str | None
    contract_number: str | None
    mandate_number: str | None
