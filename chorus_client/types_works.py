"""Inputs and outputs of the FacturesTravaux API (works invoices of public works contracts).

Vocabulary: the *contractor* (titulaire), a *co-contractor* (cotraitant) or a *subcontractor*
(sous-traitant) bills the works; the *project manager* (maîtrise d'œuvre, MOE) checks and states
the amounts; the *project owner* (maîtrise d'ouvrage, MOA) is the public buyer. Each piece belongs
to a *billing file* (dossier de facturation) and may answer a *previous piece*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .types_common import (
    BillingFramework,
    DepositMode,
    IdentifierType,
    InvoiceStatus,
    PaymentMode,
    VatType,
    WorksInvoiceType,
)
from .types_invoice_search import StatusChange
from .types_invoices import AttachmentInfo, InvoiceTotals, MainAttachment, SupportingAttachment


class WorksUserRole(StrEnum):
    """``roleUtilisateur`` of a works search (contract-works §1.1): in which capacity the account
    looks for pieces."""

    FOURNISSEUR = "FOURNISSEUR"
    MOE = "MOE"
    MOA = "MOA"
    VALIDATEUR = "VALIDATEUR"
    DESTINATAIRE = "DESTINATAIRE"


@dataclass(frozen=True, kw_only=True)
class WorksParty:
    """A project manager (MOE) or project owner (MOA) named on a piece."""

    identifier: str  # SIRET, unless ``identifier_type`` says otherwise
    identifier_type: IdentifierType = IdentifierType.SIRET
    service_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class WorksSubmission:
    """A works piece to deposit (soumettre). Works pieces are PDFs: ``main_attachment`` comes from
    ``transverses.upload_attachment``.

    A piece that opens a billing file (A4, A7, A10…) names ``supplier_id``, the recipient and the
    ``project_manager`` (and ``validator_structure_code`` for a subcontractor's or co-contractor's
    piece); a piece that answers another (A15 answering an A4, A19 answering an A15…) names
    ``previous_piece_id`` and inherits the rest unless given.
    """

    framework: BillingFramework
    invoice_number: str
    invoice_date: date
    totals: InvoiceTotals
    main_attachment: MainAttachment
    previous_piece_id: int | None = None
    supplier_id: int | None = None
    supplier_service_id: int | None = None
    supplier_bank_account_id: int | None = None
    recipient_siret: str | None = None
    recipient_service_code: str | None = None
    project_manager: WorksParty | None = None
    project_owner: WorksParty | None = None
    validator_structure_code: str | None = None
    contract_number: str | None = None
    purchase_order_number: str | None = None
    currency: str = "EUR"
    vat_type: VatType | None = None
    payment_mode: PaymentMode | None = None
    supporting_attachments: tuple[SupportingAttachment, ...] = ()
    comment: str | None = None
    deposit_mode: DepositMode = DepositMode.DEPOT_PDF_API


@dataclass(frozen=True, kw_only=True)
class SubmittedWorksInvoice:
    works_invoice_id: int
    invoice_number: str | None
    deposited_at: datetime | None
    status: InvoiceStatus
    billing_file_id: int | None
    billing_file_number: str | None
    previous_piece_id: int | None


@dataclass(frozen=True, kw_only=True)
class WorksInvoiceSearch:
    """Filters of a works search; ``role`` is required in practice (contract-works §1.4.3)."""

    role: WorksUserRole
    statuses: tuple[InvoiceStatus, ...] = ()
    works_types: tuple[WorksInvoiceType, ...] = ()
    framework: BillingFramework | None = None
    supplier_id: int | None = None
    project_manager_id: int | None = None
    project_manager_service_id: int | None = None
    project_owner_id: int | None = None
    project_owner_service_id: int | None = None
    recipient_id: int | None = None
    recipient_service_id: int | None = None
    validator_id: int | None = None
    invoice_number: str | None = None
    contract_number: str | None = None
    purchase_order_number: str | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None
    invoice_date_from: date | None = None
    invoice_date_until: date | None = None
    status_changed_from: date | datetime | None = None
    status_changed_until: date | datetime | None = None
    only_without_next_piece: bool | None = None
    downloaded: bool | None = None
    total_incl_tax_min: Decimal | None = None
    total_incl_tax_max: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class WorksInvoiceSummary:
    """A piece as searches and billing files list it."""

    works_invoice_id: int
    invoice_number: str
    status: InvoiceStatus
    works_type: WorksInvoiceType | None
    framework: BillingFramework | None
    deposited_on: date | None
    invoice_date: date | None
    status_changed_at: datetime | None
    status_comment: str | None
    supplier_id: int | None
    supplier_identifier: str | None
    supplier_name: str | None
    recipient_id: int | None
    recipient_siret: str | None
    recipient_name: str | None
    recipient_service_code: str | None
    project_manager_id: int | None
    project_manager_name: str | None
    project_owner_id: int | None
    project_owner_name: str | None
    currency: str | None
    total_excl_tax: Decimal | None
    total_incl_tax: Decimal | None
    amount_due: Decimal | None
    contract_number: str | None
    purchase_order_number: str | None
    downloaded: bool | None
    billing_file_id: int | None
    billing_file_number: str | None
    previous_piece_id: int | None
    next_piece_id: int | None


@dataclass(frozen=True, kw_only=True)
class WorksPartyDetails:
    id: int | None
    identifier: str | None
    identifier_type: IdentifierType | None
    name: str | None
    service_id: int | None
    service_code: str | None
    service_name: str | None


@dataclass(frozen=True, kw_only=True)
class PieceLink:
    """The previous or next piece of a billing file."""

    works_invoice_id: int
    invoice_number: str | None
    framework: BillingFramework | None


@dataclass(frozen=True, kw_only=True)
class WorksDeadlines:
    """The delays Chorus Pro keeps on the piece (contract-works §1.5): the MOE's processing time,
    the validator's 15 days, the global payment delay and the general statement's notification."""

    project_manager_received_at: datetime | None
    project_manager_due_at: datetime | None
    validation_due_at: datetime | None
    payment_delay_started_at: datetime | None
    payment_due_at: datetime | None
    payment_delay_days: int | None
    general_statement_due_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class WorksInvoiceDetails:
    """consulter: the piece with its parties, chain, delays, attachments and status history
    (newest first)."""

    summary: WorksInvoiceSummary
    project_manager: WorksPartyDetails | None
    project_owner: WorksPartyDetails | None
    validator_id: int | None
    validator_identifier: str | None
    previous_piece: PieceLink | None
    next_piece: PieceLink | None
    deadlines: WorksDeadlines
    mandate_number: str | None
    comment: str | None
    attachments: list[AttachmentInfo] = field(default_factory=list)
    statuses: list[StatusChange] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class BillingFile:
    """consulter/dossierfacturation: the pieces of a billing file the account may see."""

    billing_file_id: int
    billing_file_number: str | None
    contract_number: str | None
    pieces: list[WorksInvoiceSummary]


@dataclass(frozen=True, kw_only=True)
class WorksActionResult:
    """Answer of the moves on a piece (take into account, refuse, complete, fix MOE/validator)."""

    works_invoice_id: int
    invoice_number: str | None
    status: InvoiceStatus | None
    treated_on: date | None = None
