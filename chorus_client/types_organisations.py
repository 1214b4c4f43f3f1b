"""Inputs and outputs of the Référentiel des Organisations (contract-works-and-new-apis §2), and
the filter language its searches share with the Engagements API (§2.2.4).

Field-name enumerations (``StructureField.COUNTRY``) carry the wire names as values, so callers
filter and sort in English while the French names stay inside this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .types_structures import PostalAddress, StructureRouting


class OrganisationType(StrEnum):
    """``typeOrganisation`` (§2.2.1 [S]): lower case on the wire."""

    PUBLIC = "public"
    PRIVATE = "private"


class OrganisationStatus(StrEnum):
    """``status`` of a structure (§2.2.1 [S])."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    ACTIVATION_IN_PROGRESS = "activation in progress"


class ServiceState(StrEnum):
    """``etatService`` (§2.2.2 [S])."""

    ACTIF = "ACTIF"
    INACTIF = "INACTIF"
    SUPPRIME = "SUPPRIME"


class Operator(StrEnum):
    """Operators of a search condition (§2.2.4 [S])."""

    EQUALS = "="
    GREATER = ">"
    LESS = "<"
    GREATER_OR_EQUAL = ">="
    LESS_OR_EQUAL = "<="
    IN = "IN"
    CONTAINS = "CONTAINS"


class StructureField(StrEnum):
    """Fields of a structure that searches filter and sort on (§2.2.1)."""

    UUID = "uuid"
    IDENTIFIER = "identifiant"
    IDENTIFIER_TYPE = "typeIdentifiant"
    LABEL = "libelleOrganisation"
    COMPANY_NAME = "raisonSociale"
    TYPE = "typeOrganisation"
    STATUS = "status"
    VAT_NUMBER = "numeroTvaIntracommunautaire"
    POSTAL_CODE = "codePostal"
    CITY = "ville"
    COUNTRY = "pays"
    EMAIL = "adresseElectronique"
    SERVICE_CODE_REQUIRED = "codeServiceDoitEtreRenseigne"
    COMMITMENT_REQUIRED = "numeroEjDoitEtreRenseigne"
    SERVICE_CODE_OR_COMMITMENT = "gestionNumeroEJOuCodeService"
    RECEIVES_EDI_LIFECYCLE = "recevoirCyclesViesEdi"
    SENDS_EDI_FLOWS = "emetteurFluxEdi"
    UPDATED_AT = "derniereMaj"


class ServiceField(StrEnum):
    """Fields of a service that searches filter and sort on (§2.2.2)."""

    UUID = "uuid"
    CODE = "codeService"
    LABEL = "libelle"
    STRUCTURE_UUID = "rattachementOrganisation"
    STATE = "etatService"
    COMMITMENT_REQUIRED = "numeroEj"
    ACTIVE_FROM = "dateDebutActivation"
    UPDATED_AT = "derniereMaj"


class LegalUnitField(StrEnum):
    """Fields of a legal unit (SIREN) that searches filter and sort on ([U] shape)."""

    UUID = "uuid"
    SIREN = "siren"
    COMPANY_NAME = "raisonSociale"


@dataclass(frozen=True)
class Condition:
    """One filter: ``field operator value``; ``IN`` takes a list. Dates and date-times are sent
    in ISO 8601."""

    field: StrEnum
    value: Any
    operator: Operator = Operator.EQUALS


@dataclass(frozen=True, kw_only=True)
class RegistryQuery:
    """A search: every condition must hold; sorted on ``sort`` (ascending) then ``descending``."""

    conditions: tuple[Condition, ...] = ()
    sort: tuple[StrEnum, ...] = ()
    descending: tuple[StrEnum, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RegistryStructure:
    """A structure as the Référentiel shows it (§2.2.1 [S]). It has no ``idStructureCPP`` and no
    technical password expiry (§5 #10 [U]): keep the Structures API for those."""

    uuid: str
    identifier: str
    identifier_type_code: str | None  # "0" for a SIRET (§2.2.1 [S])
    label: str | None
    company_name: str | None
    last_name: str | None
    first_name: str | None
    type: OrganisationType
    status: OrganisationStatus
    vat_number: str | None
    rcs_number: str | None
    legal_category: str | None
    company_category: str | None
    main_contact_uuid: str | None
    parent_uuid: str | None
    address: PostalAddress
    email: str | None
    routing: StructureRouting
    payment_status_not_reported: bool
    with_project_owner: bool  # avecMOA: an MOA takes part in works invoices
    project_owner_only: bool  # estMOAUniquement
    receives_edi_lifecycle: bool
    sends_edi_flows: bool
    not_disclosed_by_insee: bool
    agricultural_management_centre: bool
    pacage_number: int | None
    origin_structure: int | None
    updated_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class RegistryService:
    """A service (§2.2.2 [S]); ``commitment_required`` is ``numeroEj`` (public structures)."""

    uuid: str
    code: str
    label: str | None
    description: str | None
    structure_uuid: str
    state: ServiceState
    commitment_required: bool
    created_at: datetime | None
    active_from: datetime | None
    active_until: datetime | None
    modified_at: datetime | None
    deleted_at: datetime | None
    address: PostalAddress
    updated_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class LegalUnit:
    """A SIREN and the uuids of its structures (§5 #9 [U] shape)."""

    uuid: str
    siren: str
    company_name: str | None
    structure_uuids: list[str]


@dataclass(frozen=True, kw_only=True)
class RegistryBankAccount:
    """Bank details of a structure (§5 #9 [U] shape); ``document_uuid`` is its RIB attachment."""

    uuid: str
    iban: str | None
    bic: str | None
    label: str | None
    holder: str | None
    status: str | None
    document_uuid: str | None


@dataclass(frozen=True, kw_only=True)
class RegistryAttachment:
    """An attachment (§2.2.3 [S]); ``content`` only when one attachment was asked for."""

    uuid: str
    file_name: str
    content_type: str
    size_bytes: int
    content: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True, kw_only=True)
class ServiceCreation:
    """A service to create (``POST /services``, [U] body). ``structure`` is the structure's uuid,
    SIRET or VAT number; the technical account must be attached to it."""

    structure: str
    code: str
    label: str
    description: str | None = None
    commitment_required: bool | None = None
    address: PostalAddress | None = None


def condition_value(value: Any) -> Any:
    """A condition's value as the wire wants it (ISO dates, enum codes, lists of those)."""
    if isinstance(value, list | tuple):
        return [condition_value(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value
