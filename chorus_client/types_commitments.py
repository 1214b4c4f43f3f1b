"""Inputs and outputs of the Engagements API (contract-works-and-new-apis §3.3): commitments
(engagements juridiques) with their lines, the payment requests that consumed them, histories and
attachments. Every shape is [U] (see ``engagements.ENGAGEMENTS_CHOICES``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .types_common import InvoiceStatus, InvoiceType


class CommitmentStatus(StrEnum):
    """``etatCourant``: COMMANDE and A_TRAITER are seen (§3.3 [S]); CLOTURE and ANNULE [U]."""

    A_TRAITER = "A_TRAITER"
    COMMANDE = "COMMANDE"
    CLOTURE = "CLOTURE"
    ANNULE = "ANNULE"


class CommitmentType(StrEnum):
    """``type`` (the legacy codeEngagementJuridique, §3.1 [C: ANNEX change log])."""

    BON_DE_COMMANDE = "BON_DE_COMMANDE"
    BAUX = "BAUX"
    DECISIONS_DIVERSES = "DECISIONS_DIVERSES"
    LISTE_DE_PRIX = "LISTE_DE_PRIX"
    SUBVENTIONS = "SUBVENTIONS"


class CommitmentOperation(StrEnum):
    """``{operation}`` of ``/engagement/{id}/statuts/{operation}`` [U]: VALIDER (A_TRAITER →
    COMMANDE), CLOTURER (COMMANDE → CLOTURE), ANNULER (→ ANNULE, only while nothing is
    consumed), ROUVRIR (CLOTURE → COMMANDE)."""

    VALIDER = "valider"
    CLOTURER = "cloturer"
    ANNULER = "annuler"
    ROUVRIR = "rouvrir"


class CommitmentField(StrEnum):
    """Fields of a commitment that searches filter and sort on; dotted names reach nested
    ones (the issuer's SIRET)."""

    ID = "id"
    NUMBER = "numero"
    LABEL = "libelle"
    TYPE = "type"
    STATUS = "etatCourant"
    CREATED_AT = "dateCreation"
    NOTIFIED_AT = "dateNotification"
    TOTAL_AMOUNT = "montantTotalTtc"
    MARKET_NUMBER = "numeroMarche"
    ISSUER_SIRET = "emetteur.siret"
    ISSUER_SERVICE_CODE = "emetteur.codeService"
    SUPPLIER_SIRET = "recepteur.siret"


# [U] a payment request in one of these statuses no longer consumes its commitment.
NOT_CONSUMING = frozenset({InvoiceStatus.REJETEE, InvoiceStatus.SUPPRIMEE,
                           InvoiceStatus.ABANDONNEE})


@dataclass(frozen=True, kw_only=True)
class CommitmentParty:
    """The issuing public structure or the supplier; ``uuid`` names it in the Référentiel."""

    uuid: str | None
    identifier: str
    name: str | None
    service_code: str | None = None
    service_name: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommitmentLine:
    """A line (poste) of a commitment; ``status`` is only read back."""

    number: int
    amount_incl_tax: Decimal
    label: str | None = None
    status: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommitmentPaymentRequest:
    """An invoice (or credit note) charged on the commitment."""

    id: int
    number: str
    type: InvoiceType
    sub_type: str | None
    status: InvoiceStatus
    supplier_date: date | None
    amount_incl_tax: Decimal

    @property
    def consumed_amount(self) -> Decimal:
        """What it takes from the commitment: its amount, negative for a credit note, nothing
        once rejected or deleted."""
        if self.status in NOT_CONSUMING:
            return Decimal(0)
        return -self.amount_incl_tax if self.type == InvoiceType.AVOIR else self.amount_incl_tax


@dataclass(frozen=True, kw_only=True)
class CommitmentAttachment:
    id: int | None
    file_name: str
    content_type: str
    size_bytes: int
    content: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, kw_only=True)
class CommitmentDetails:
    """A commitment, with what the invoices already sent against it consumed.

    ``total_amount`` is what was committed (TTC), ``consumed_amount`` the sum of its payment
    requests (credit notes deducted, rejected ones ignored), ``remaining_amount`` what is left
    to invoice (negative when over-consumed).
    """

    id: int
    number: str
    label: str | None
    type: CommitmentType
    status: CommitmentStatus
    created_at: datetime | None
    notified_at: datetime | None
    modified_at: datetime | None
    total_amount: Decimal
    currency: str
    market_number: str | None
    issuer: CommitmentParty
    supplier: CommitmentParty | None
    lines: list[CommitmentLine]
    payment_requests: list[CommitmentPaymentRequest]
    attachments: list[CommitmentAttachment]

    @property
    def consumed_amount(self) -> Decimal:
        return sum((request.consumed_amount for request in self.payment_requests), Decimal(0))

    @property
    def remaining_amount(self) -> Decimal:
        return self.total_amount - self.consumed_amount

    @property
    def invoiceable(self) -> bool:
        """Only a COMMANDE commitment accepts invoices (the legacy soumettre check)."""
        return self.status == CommitmentStatus.COMMANDE


@dataclass(frozen=True, kw_only=True)
class CommitmentCreation:
    """A commitment to create; it starts in A_TRAITER. ``issuer_siret`` is a public structure
    the technical account is attached to; ``supplier_siret`` None means any supplier."""

    number: str
    total_amount: Decimal
    issuer_siret: str
    label: str | None = None
    type: CommitmentType | None = None
    currency: str | None = None
    notified_at: date | datetime | None = None
    market_number: str | None = None
    issuer_service_code: str | None = None
    supplier_siret: str | None = None
    lines: tuple[CommitmentLine, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CommitmentUpdate:
    """The fields to change (None keeps one). ``lines`` replaces every line when given."""

    id: int
    label: str | None = None
    total_amount: Decimal | None = None
    notified_at: date | datetime | None = None
    market_number: str | None = None
    lines: tuple[CommitmentLine, ...] | None = None
    comment: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommitmentStatusChange:
    status: CommitmentStatus
    at: datetime | None
    author: str | None
    comment: str | None


@dataclass(frozen=True, kw_only=True)
class CommitmentAction:
    """``action``: CREATION, MODIFICATION, CHANGEMENT_STATUT, AJOUT_PIECE_JOINTE [U]."""

    action: str
    at: datetime | None
    author: str | None
    comment: str | None
