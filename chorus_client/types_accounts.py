"""Attachments of users to structures and services (Utilisateurs API; Structures
``lister/rattachementsutilisateur``, contract §4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .types_common import IdentifierType, Page


@dataclass(frozen=True, kw_only=True)
class AttachedService:
    """A service of a structure the user is attached to."""

    service_id: int
    code: str
    name: str | None
    active: bool | None
    attachment_id: int | None
    attachment_status: str | None
    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class AttachedStructure:
    """monCompte/recuperer/rattachements: a structure the account is attached to."""

    structure_id: int
    identifier: str
    identifier_type: IdentifierType | None
    name: str | None
    attachment_id: int | None
    user_role: str | None
    attachment_status: str | None
    user_status: str | None
    services: list[AttachedService]


@dataclass(frozen=True, kw_only=True)
class UserServiceAttachments:
    """lister/rattachementsutilisateur: one user's attachments to the services of a structure."""

    structure_id: int | None
    identifier: str | None
    name: str | None
    services: Page[AttachedService]
