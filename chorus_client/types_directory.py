"""The directory and attachment side of the Transverses API (contract §3.7-§3.10, §3.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .types_common import IdentifierType, StructureKind


@dataclass(frozen=True, kw_only=True)
class ActiveStructure:
    """One of the caller's active structures in a space (factures émises, reçues, travaux)."""

    id: int
    identifier: str
    name: str | None


@dataclass(frozen=True, kw_only=True)
class RecipientSearch:
    """rechercher/destinataire filters. ``text`` is a name, a city or a postcode."""

    siret: str | None = None
    text: str | None = None
    kind: StructureKind | None = None


@dataclass(frozen=True, kw_only=True)
class DirectoryRecipient:
    """A public structure that receives invoices."""

    id: int
    siret: str
    name: str | None
    postal_code: str | None
    city: str | None


@dataclass(frozen=True, kw_only=True)
class SiretInformation:
    """consulter/information/siret: what INSEE knows of a SIRET. Chorus Pro does not answer
    this in its qualification environment (contract §3.13)."""

    siret: str
    siren: str | None
    company_name: str | None
    address: str | None
    active: bool | None
    legal_category: str | None
    company_category: str | None
    company_created_on: date | None
    establishment_created_on: date | None
    head_office: str | None
    not_public: bool | None


@dataclass(frozen=True, kw_only=True)
class AttachmentSearch:
    """Filters of the attachment searches: part of the designation, and an attachment type id
    (``transverses.attachment_types``)."""

    designation: str | None = None
    type_id: int | None = None
    language: str = "FR"


@dataclass(frozen=True, kw_only=True)
class AccountAttachment:
    """A file of the caller's account (stored with ajouter/fichier)."""

    id: int
    designation: str | None
    extension: str | None
    type_code: str | None
    type_label: str | None
    object_id: int | None
    user_id: int | None


@dataclass(frozen=True, kw_only=True)
class StructureAttachment:
    """A document of a structure (Kbis, certificates...)."""

    id: int
    designation: str | None
    extension: str | None
    type_code: str | None
    type_label: str | None
    structure_id: int | None
    structure_identifier: str | None
    structure_name: str | None


@dataclass(frozen=True, kw_only=True)
class BankDetailsFiles:
    """telecharger/pieceJointe target: the RIBs of a structure's bank accounts."""

    structure_id: int | None = None
    identifier: str | None = None
    identifier_type: IdentifierType | None = None


@dataclass(frozen=True, kw_only=True)
class MandateFiles:
    """telecharger/pieceJointe target: the mandates of a structure."""

    structure_id: int | None = None
    identifier: str | None = None
    identifier_type: IdentifierType | None = None


@dataclass(frozen=True, kw_only=True)
class AccountFiles:
    """telecharger/pieceJointe target: the files of the caller's own account."""


@dataclass(frozen=True, kw_only=True)
class SolicitationFiles:
    """telecharger/pieceJointe target: a solicitation, with or without its attachments."""

    solicitation_id: int
    include_attachments: bool = True
