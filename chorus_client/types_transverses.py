"""Inputs and outputs of the Transverses API (reference lists, attachments, flow reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .types_common import DownloadFormat, FlowStatus, IdentifierType


@dataclass(frozen=True, kw_only=True)
class HealthCheck:
    """Answer of the health check; ``status`` is whatever status text the API gave ([U] body)."""

    ok: bool
    status: str | None


@dataclass(frozen=True, kw_only=True)
class AttachmentUpload:
    """A file to store in Chorus Pro (ajouter/fichier).

    ``file_name`` must stay within 50 characters, extension included (contract §3.2 [S]).
    ``extension`` defaults to the file name's, upper-cased; ``mime_type`` to a guess from it.
    """

    file_name: str
    content: bytes = field(repr=False)
    mime_type: str | None = None
    extension: str | None = None


@dataclass(frozen=True, kw_only=True)
class VatRate:
    code: str
    label: str
    rate: Decimal


@dataclass(frozen=True, kw_only=True)
class VatExemptionReason:
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class RefusalReason:
    """A reason a validator may give to refuse an invoice."""

    id: int | None
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class BankAccount:
    """A supplier bank account; ``id`` goes into a submission's ``supplier_bank_account_id``."""

    id: int
    name: str | None
    # The emulator lists it; the documented answer names the account only (contract §3.7).
    iban: str = ""


@dataclass(frozen=True, kw_only=True)
class FlowReport:
    """consulterCR: the state of a deposited flow and its processing report (a PDF)."""

    flow_number: str
    status: FlowStatus
    deposited_at: datetime | None
    status_changed_at: datetime | None
    file_name: str | None
    interface_code: str | None
    partner_application_code: str | None
    partner_name: str | None
    report_pdf: bytes | None = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class FlowInvoiceError:
    """One invoice of a flow that was rejected; ``invoice_number`` is the number in the file."""

    supplier_identifier: str | None
    recipient_identifier: str | None
    invoice_number: str | None
    message: str | None


@dataclass(frozen=True, kw_only=True)
class FlowTechnicalError:
    code: str | None
    message: str | None
    nature: str | None


@dataclass(frozen=True, kw_only=True)
class DetailedFlowReport:
    """consulterCRDetaille: flow state plus the rejected invoices and technical errors."""

    flow_number: str | None
    status: FlowStatus
    file_name: str | None
    interface_code: str | None
    deposited_at: datetime | None
    status_changed_at: datetime | None
    invoice_errors: list[FlowInvoiceError]
    technical_errors: list[FlowTechnicalError]


@dataclass(frozen=True, kw_only=True)
class InvoiceFiles:
    """telecharger/pieceJointe target: the files of payment requests (invoices)."""

    invoice_ids: list[int]
    file_format: DownloadFormat = DownloadFormat.PDF
    include_supporting: bool = False


@dataclass(frozen=True, kw_only=True)
class CommitmentFiles:
    """telecharger/pieceJointe target: the attachment of a commitment (engagement juridique)."""

    commitment_number: str


@dataclass(frozen=True, kw_only=True)
class StructureFiles:
    """telecharger/pieceJointe target: the attachments of a structure."""

    structure_id: int | None = None
    identifier: str | None = None
    identifier_type: IdentifierType | None = None
