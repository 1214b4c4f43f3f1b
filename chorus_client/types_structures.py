"""Inputs and outputs of the Structures and Engagements juridiques APIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .types_common import IdentifierType, StructureKind


@dataclass(frozen=True, kw_only=True)
class StructureSearch:
    """Filters of a structure search; all optional.

    ``only_attached_private``: when true or None (Chorus Pro's default), private structures are
    limited to the ones the technical user is attached to; public ones are always searched.
    """

    identifier: str | None = None
    identifier_type: IdentifierType | None = None
    company_name: str | None = None
    label: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country_code: str | None = None
    active: bool | None = None
    kind: StructureKind | None = None
    only_attached_private: bool | None = None


@dataclass(frozen=True, kw_only=True)
class StructureSummary:
    id: int
    identifier: str
    identifier_type: IdentifierType | None
    name: str | None
    active: bool


@dataclass(frozen=True, kw_only=True)
class PostalAddress:
    line: str | None
    complement_1: str | None
    complement_2: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    phone: str | None
    fax: str | None


class RoutingRequirement(StrEnum):
    """What an invoice to this structure must carry besides the recipient SIRET (contract §4.2)."""

    NONE = "none"
    SERVICE_CODE = "service_code"
    COMMITMENT = "commitment"
    SERVICE_CODE_AND_COMMITMENT = "service_code_and_commitment"
    SERVICE_CODE_OR_COMMITMENT = "service_code_or_commitment"


@dataclass(frozen=True, kw_only=True)
class StructureRouting:
    """The routing flags of a structure, and their reading as OCA does it (contract §4.2 [C])."""

    service_code_required: bool
    commitment_required: bool
    service_code_or_commitment: bool

    @property
    def requirement(self) -> RoutingRequirement:
        if self.service_code_or_commitment:
            return RoutingRequirement.SERVICE_CODE_OR_COMMITMENT
        if self.service_code_required and self.commitment_required:
            return RoutingRequirement.SERVICE_CODE_AND_COMMITMENT
        if self.service_code_required:
            return RoutingRequirement.SERVICE_CODE
        if self.commitment_required:
            return RoutingRequirement.COMMITMENT
        return RoutingRequirement.NONE


@dataclass(frozen=True, kw_only=True)
class StructureDetails:
    """structures/v1/consulter. ``technical_password_expires_at`` lets the portal warn before
    the technical account stops working (it expires every 424 days, contract §1.3)."""

    id: int
    identifier: str
    identifier_type: IdentifierType | None
    company_name: str | None
    label: str | None
    last_name: str | None
    first_name: str | None
    email: str | None
    rcs_number: str | None
    vat_number: str | None
    kind: StructureKind | None
    is_delegated_validator: bool
    technical_password_expires_at: datetime | None
    address: PostalAddress | None
    routing: StructureRouting
    payment_status_not_reported: bool
    edi_connection: bool
    receives_data_via_edi: bool
    project_owner_only: bool


@dataclass(frozen=True, kw_only=True)
class ServiceSummary:
    id: int
    code: str
    name: str | None
    active: bool
    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class ServiceDetails:
    """structures/v1/consulter/service; ``commitment_required`` is ``numeroEngagement``."""

    code: str
    name: str | None
    description: str | None
    address: PostalAddress | None
    created_at: datetime | None
    valid_from: datetime | None
    valid_until: datetime | None
    modified_at: datetime | None
    reports_payment: bool
    commitment_required: bool


@dataclass(frozen=True, kw_only=True)
class CommitmentSearch:
    """engagementsJuridiques/v1/rechercher filters (contract §6 [S: OCA]).

    ``supplier_structure_id`` is the supplier's own idStructureCPP: the structure that *received*
    the order.
    """

    supplier_structure_id: int
    number: str | None = None
    state: str | None = "COMMANDE"


@dataclass(frozen=True, kw_only=True)
class Commitment:
    """A commitment (engagement juridique). [U] contract §6: the answer's item fields are unknown;
    every field is optional except the number."""

    number: str
    label: str | None
    state: str | None
    amount: Decimal | None
    issuer_structure_id: int | None
    issuer_identifier: str | None
    issuer_name: str | None
    service_code: str | None
    issued_on: date | None
