"""Invoice submission, deposit and consultation types (contract §5.2-§5.6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .types_common import (
    BillingFramework,
    DepositMode,
    FlowSyntax,
    IdentifierType,
    InvoiceStatus,
    InvoiceType,
    PaymentMode,
    VatType,
)

PDF_MODES = frozenset({DepositMode.DEPOT_PDF_API, DepositMode.DEPOT_PDF_SIGNE_API})


@dataclass(frozen=True, kw_only=True)
class InvoiceLine:
    """A line of a structured (SAISIE_API) invoice. Give ``vat_rate_code`` or ``vat_rate``."""

    number: int
    description: str
    quantity: Decimal
    unit: str
    unit_price_excl_tax: Decimal
    reference: str | None = None
    discount_excl_tax: Decimal | None = None
    vat_rate_code: str | None = None
    vat_rate: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class VatLine:
    """One line of the VAT summary. Give ``rate_code`` or ``rate`` (a percentage such as 20)."""

    taxable_amount: Decimal
    vat_amount: Decimal
    rate_code: str | None = None
    rate: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class InvoiceTotals:
    total_excl_tax: Decimal
    total_vat: Decimal
    total_incl_tax: Decimal
    amount_due: Decimal
    global_discount_incl_tax: Decimal | None = None
    global_discount_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class MainAttachment:
    """The invoice document itself (PDF modes), as stored by ajouter/fichier or deposer/pdf."""

    attachment_id: int
    designation: str


@dataclass(frozen=True, kw_only=True)
class SupportingAttachment:
    """A supporting document already stored with ajouter/fichier."""

    attachment_id: int
    designation: str
    # [U] contract §5.3: the allowed values of pieceJointeComplementaireType are unknown.
    attachment_type: str | None = None
    link_id: int | None = None
    line_number: int | None = None


@dataclass(frozen=True, kw_only=True)
class InvoiceSubmission:
    """Everything ``factures/v1/soumettre`` needs, in every deposit mode.

    - SAISIE_API: ``lines`` and ``vat_lines`` are required; Chorus Pro may generate the number.
    - DEPOT_PDF_API / DEPOT_PDF_SIGNE_API: ``main_attachment``, ``invoice_number`` and
      ``invoice_date`` are required.
    - A credit note is ``invoice_type=InvoiceType.AVOIR`` with ``original_invoice_number``.
    - Frameworks with a validator (A9, A12) need ``validator_structure_code``.
    - ``purchase_order_number`` is the commitment number (EJ) when the recipient requires one.
    """

    deposit_mode: DepositMode
    recipient_siret: str
    supplier_id: int
    totals: InvoiceTotals
    framework: BillingFramework = BillingFramework.A1_FACTURE_FOURNISSEUR
    invoice_type: InvoiceType = InvoiceType.FACTURE
    vat_type: VatType = VatType.TVA_SUR_DEBIT
    currency: str = "EUR"
    invoice_number: str | None = None
    invoice_date: date | None = None
    payment_due_date: date | None = None
    recipient_service_code: str | None = None
    supplier_service_id: int | None = None
    supplier_bank_account_id: int | None = None
    validator_structure_code: str | None = None
    validator_service_code: str | None = None
    payment_mode: PaymentMode | None = None
    vat_exemption_reason: str | None = None
    purchase_order_number: str | None = None
    contract_number: str | None = None
    original_invoice_number: str | None = None
    lines: tuple[InvoiceLine, ...] = ()
    vat_lines: tuple[VatLine, ...] = ()
    main_attachment: MainAttachment | None = None
    supporting_attachments: tuple[SupportingAttachment, ...] = ()
    comment: str | None = None

    def __post_init__(self) -> None:
        # Programming errors caught before the network; Chorus Pro checks the rest.
        if self.deposit_mode in PDF_MODES:
            missing = [name for name in ("main_attachment", "invoice_number", "invoice_date")
                       if getattr(self, name) is None]
            if missing:
                raise ValueError(f"{self.deposit_mode} needs {', '.join(missing)}")
        elif self.deposit_mode == DepositMode.SAISIE_API:
            if not self.lines or not self.vat_lines:
                raise ValueError("SAISIE_API needs lines and vat_lines")
        else:
            raise ValueError(f"{self.deposit_mode} is not a soumettre deposit mode")
        if self.framework in (BillingFramework.A9_FACTURE_SOUSTRAITANT,
                              BillingFramework.A12_FACTURE_COTRAITANT) \
                and not self.validator_structure_code:
            raise ValueError(f"{self.framework} needs validator_structure_code")


@dataclass(frozen=True, kw_only=True)
class SubmittedInvoice:
    """Answer of soumettre. ``invoice_id`` (identifiantFactureCPP) identifies it from now on."""

    invoice_id: int
    invoice_number: str | None
    deposited_on: date | None
    status: InvoiceStatus
    supplier_identifier: str | None
    deposit_fingerprint: str | None


@dataclass(frozen=True, kw_only=True)
class FlowDeposit:
    """A flow file for deposer/flux: UBL, CII, Factur-X, or a tar.gz of several invoices."""

    file_name: str
    content: bytes = field(repr=False)
    syntax: FlowSyntax
    signed: bool = False


@dataclass(frozen=True, kw_only=True)
class DepositedFlow:
    """Answer of deposer/flux: poll ``detailed_flow_report(flow_number)`` until final."""

    flow_number: str
    deposited_on: date | None
    syntax: FlowSyntax | None


@dataclass(frozen=True, kw_only=True)
class DepositedPdf:
    """Answer of deposer/pdf: the stored PDF's attachment id and what Chorus Pro read from it
    (each read field may be None)."""

    attachment_id: int
    invoice_number: str | None
    invoice_date: date | None
    recipient_siret: str | None
    recipient_service_code: str | None
    supplier_identifier: str | None
    currency: str | None
    invoice_type: InvoiceType | None
    vat_type: VatType | None
    purchase_order_number: str | None
    total_incl_tax_before_discount: Decimal | None
    amount_due: Decimal | None
    total_excl_tax: Decimal | None
    total_vat: Decimal | None


@dataclass(frozen=True, kw_only=True)
class InvoiceRecipient:
    id: int | None
    siret: str | None
    name: str | None
    service_id: int | None
    service_code: str | None
    service_name: str | None


@dataclass(frozen=True, kw_only=True)
class InvoiceSupplier:
    id: int | None
    identifier: str | None
    identifier_type: IdentifierType | None
    name: str | None
    service_id: int | None
    service_code: str | None
    service_name: str | None
    bank_account_id: int | None


@dataclass(frozen=True, kw_only=True)
class InvoiceLineDetails:
    number: int | None
    reference: str | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price_excl_tax: Decimal | None
    discount_excl_tax: Decimal | None
    vat_rate_code: str | None
    vat_rate: Decimal | None
    amount_excl_tax: Decimal | None
    amount_vat: Decimal | None
    amount_incl_tax: Decimal | None


@dataclass(frozen=True, kw_only=True)
class VatLineDetails:
    rate_code: str | None
    rate: Decimal | None
    taxable_amount: Decimal | None
    vat_amount: Decimal | None


@dataclass(frozen=True, kw_only=True)
class AttachmentInfo:
    attachment_id: int
    designation: str | None
    extension: str | None
    type_code: str | None
    line_number: int | None


@dataclass(frozen=True, kw_only=True)
class InvoiceDetails:
    """consulter/fournisseur, consulter/recipiendaire and consulter/valideur."""

    invoice_id: int
    invoice_number: str
    status: InvoiceStatus
    deposit_mode: DepositMode | None
    comment: str | None
    framework: BillingFramework | None
    validator_structure_code: str | None
    recipient: InvoiceRecipient
    supplier: InvoiceSupplier
    invoice_type: InvoiceType | None
    vat_type: VatType | None
    currency: str | None
    payment_mode: PaymentMode | None
    vat_exemption_reason: str | None
    purchase_order_number: str | None
    contract_number: str | None
    original_invoice_number: str | None
    mandate_number: str | None
    invoice_date: date | None
    deposited_on: date | None
    payment_due_date: date | None
    totals: InvoiceTotals | None
    lines: list[InvoiceLineDetails]
    vat_lines: list[VatLineDetails]
    attachments: list[AttachmentInfo]
    main_attachment_id: int | None
    # Frameworks with a validator: when the first validator validated, and the second-level
    # validator some recipients require (A_VALIDER_2), with its decision's day.
    validated_on: date | None = None
    second_validator_structure_code: str | None = None
    second_validated_on: date | None = None
