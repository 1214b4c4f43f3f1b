"""Reference lists of the Transverses API (contract §3.4-§3.7, §3.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FlowFormat(StrEnum):
    """``formatFlux`` (contract §3.7 [S: ZMOG]): structured (E1), mixed (E2), Factur-X."""

    IN_DP_E1_STRUCT = "IN_DP_E1_STRUCT"
    IN_DP_E2_MIXTE = "IN_DP_E2_MIXTE"
    IN_DP_E2_FACTURX = "IN_DP_E2_FACTURX"


class AttachmentObjectType(StrEnum):
    """``typeObjet``: what an attachment type may be attached to (contract §9.10 [S: GO])."""

    STRUCTURE = "STRUCTURE"
    UTILISATEUR = "UTILISATEUR"
    CB = "CB"
    MANDAT = "MANDAT"
    FICHE_RACCORDEMENT = "FICHE_RACCORDEMENT"
    EJ = "EJ"
    MEMOIRE = "MEMOIRE"
    DMD_RBST = "DMD_RBST"
    TRANSVERSE = "TRANSVERSE"
    FACTURE_TRAVAUX = "FACTURE_TRAVAUX"
    FACTURE = "FACTURE"
    DMDE_CPTE_DEV_SI_EXT = "DMDE_CPTE_DEV_SI_EXT"
    SOLLICITATION = "SOLLICITATION"
    CERTIFICAT = "CERTIFICAT"
    PJ_REJET_EDI = "PJ_REJET_EDI"


@dataclass(frozen=True, kw_only=True)
class Currency:
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Country:
    """An ISO 3166 country as Chorus Pro names it."""

    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class AttachmentType:
    """A kind of attachment (recuperer/typespj); ``id`` is what attachment searches filter on."""

    id: int
    code: str
    label: str
    object_type: AttachmentObjectType


@dataclass(frozen=True, kw_only=True)
class SolicitationCategorySearch:
    """rechercher/categorieSollicitation filters; ``label`` is matched as a part of the label."""

    code: str | None = None
    label: str | None = None
    active: bool | None = None
    language: str = "FR"


@dataclass(frozen=True, kw_only=True)
class SolicitationCategory:
    id: int
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class SolicitationSubcategorySearch:
    """rechercher/sousCategorieSollicitation filters: one category's sub-categories, by code
    or (part of the) label."""

    category_id: int | None = None
    code: str | None = None
    label: str | None = None
    active: bool | None = None
    language: str = "FR"


@dataclass(frozen=True, kw_only=True)
class SolicitationSubcategory:
    category: SolicitationCategory
    code: str
    label: str
    active: bool
    created_at: datetime | None
    modified_at: datetime | None
