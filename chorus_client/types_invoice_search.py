"""Invoice searches, history and treatment results (contract §5.5, §5.7-§5.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .types_common import (
    BillingFramework,
    DepositMode,
    InvoiceStatus,
    InvoiceType,
    PaymentRequestType,
    WorksInvoiceType,
)


@dataclass(frozen=True, kw_only=True)
class SupplierInvoiceSearch:
    """Filters of rechercher/fournisseur; all optional.

    ``status_changed_from/until`` (periodeDateHeureEtatCourantDu/Au) is the cheap "what changed
    since my last poll" query (contract §10.4); a ``date`` or a ``datetime``.
    """

    flow_number: str | None = None
    invoice_number: str | None = None
    original_invoice_number: str | None = None
    purchase_order_number: str | None = None
    contract_number: str | None = None
    supplier_id: int | None = None
    supplier_service_id: int | None = None
    recipient_ids: tuple[int, ...] = ()
    statuses: tuple[InvoiceStatus, ...] = ()
    invoice_type: InvoiceType | None = None
    framework: BillingFramework | None = None
    deposit_mode: DepositMode | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None
    invoice_date_from: date | None = None
    invoice_date_until: date | None = None
    status_changed_from: date | datetime | None = None
    status_changed_until: date | datetime | None = None
    rejection_handled: bool | None = None


@dataclass(frozen=True, kw_only=True)
class SupplierInvoiceSummary:
    invoice_id: int
    invoice_number: str
    status: InvoiceStatus
    flow_number: str | None
    deposit_mode: DepositMode | None
    deposited_on: date | None
    invoice_date: date | None
    status_changed_at: datetime | None
    total_excl_tax: Decimal | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None
    currency: str | None
    invoice_type: InvoiceType | None
    supplier_identifier: str | None
    supplier_name: str | None
    recipient_id: int | None
    recipient_siret: str | None
    recipient_name: str | None
    recipient_service_code: str | None
    purchase_order_number: str | None
    original_invoice_number: str | None
    status_comment: str | None
    rejection_handled: bool | None


@dataclass(frozen=True, kw_only=True)
class ReceivedInvoiceSearch:
    """Filters of rechercher/recipiendaire; all optional but ``payment_request_type``."""

    payment_request_type: PaymentRequestType = PaymentRequestType.FACTURE
    recipient_id: int | None = None
    recipient_service_id: int | None = None
    supplier_ids: tuple[int, ...] = ()
    invoice_number: str | None = None
    downloaded: bool | None = None
    statuses: tuple[InvoiceStatus, ...] = ()
    status_changed_from: date | datetime | None = None
    status_changed_until: date | datetime | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None
    invoice_date_from: date | None = None
    invoice_date_until: date | None = None
    framework: BillingFramework | None = None
    invoice_types: tuple[InvoiceType, ...] = ()
    purchase_order_number: str | None = None
    contract_number: str | None = None
    # With FACTURE_TRAVAUX: only these kinds of works pieces.
    works_invoice_types: tuple[WorksInvoiceType, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReceivedInvoiceSummary:
    invoice_id: int
    invoice_number: str
    status: InvoiceStatus
    deposited_on: date | None
    invoice_date: date | None
    status_changed_at: datetime | None
    recipient_id: int | None
    recipient_siret: str | None
    recipient_name: str | None
    recipient_service_id: int | None
    recipient_service_code: str | None
    supplier_identifier: str | None
    supplier_name: str | None
    currency: str | None
    total_excl_tax: Decimal | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None
    purchase_order_number: str | None
    contract_number: str | None
    invoice_type: InvoiceType | None
    downloaded: bool | None
    # FACTURE_TRAVAUX for a works piece, which also tells its kind (contract §5.12 [C: PAS]).
    payment_request_type: PaymentRequestType | None = None
    works_invoice_type: WorksInvoiceType | None = None


@dataclass(frozen=True, kw_only=True)
class ValidatorInvoiceSearch:
    """Filters of rechercher/valideur; all optional."""

    invoice_number: str | None = None
    supplier_id: int | None = None
    recipient_id: int | None = None
    statuses: tuple[InvoiceStatus, ...] = ()
    framework: BillingFramework | None = None
    status_changed_from: date | datetime | None = None
    status_changed_until: date | datetime | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None


@dataclass(frozen=True, kw_only=True)
class ValidatorInvoiceSummary:
    invoice_id: int
    invoice_number: str
    status: InvoiceStatus
    supplier_id: int | None
    supplier_identifier: str | None
    supplier_name: str | None
    recipient_siret: str | None
    recipient_name: str | None
    validator_id: int | None
    validator_name: str | None
    deposited_on: date | None
    invoice_date: date | None
    status_changed_at: datetime | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None
    currency: str | None


@dataclass(frozen=True, kw_only=True)
class StatusChange:
    """One entry of an invoice's status history."""

    id: int | None
    status: InvoiceStatus
    changed_at: datetime
    comment: str | None
    user_last_name: str | None
    user_first_name: str | None
    user_email: str | None


@dataclass(frozen=True, kw_only=True)
class HistoryEvent:
    id: int | None
    label: str | None
    by: str | None
    at: datetime | None


@dataclass(frozen=True, kw_only=True)
class UserAction:
    id: int | None
    code: str
    at: datetime | None


@dataclass(frozen=True, kw_only=True)
class InvoiceHistory:
    """consulter/historique. ``statuses`` is newest first (contract §5.7)."""

    invoice_id: int
    invoice_number: str | None
    deposit_mode: DepositMode | None
    current_status: InvoiceStatus
    statuses: list[StatusChange]
    events: list[HistoryEvent]
    actions: list[UserAction]
    last_action_code: str | None


@dataclass(frozen=True, kw_only=True)
class TreatmentResult:
    """Answer of completer, traiter/recue and traiter/factureAValider."""

    invoice_id: int
    invoice_number: str | None
    treated_on: date | None
    status: InvoiceStatus | None


@dataclass(frozen=True, kw_only=True)
class RecycledInvoice:
    invoice_id: int
    invoice_number: str | None
    deposited_on: date | None
    status: InvoiceStatus | None
