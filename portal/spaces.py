"""The user's active space: which structure they act for, and in which role.

A user can hold several memberships (structures and roles). The active one is kept in the session
and offered as a switch in the header; each maps to one of four spaces (the project manager's
for works invoices).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from structures.models import Membership, Structure
from structures.selectors import membership_list_for_user

SESSION_KEY = "active_membership_id"


class SpaceKind(StrEnum):
    SUPPLIER = "supplier"
    RECIPIENT = "recipient"
    VALIDATOR = "validator"
    PROJECT_MANAGER = "project_manager"


SPACE_LABELS = {
    SpaceKind.SUPPLIER: _("Supplier space"),
    SpaceKind.RECIPIENT: _("Recipient space"),
    SpaceKind.VALIDATOR: _("Validator space"),
    SpaceKind.PROJECT_MANAGER: _("Project manager space"),
}


@dataclass(frozen=True)
class Space:
    membership: Membership

    @property
    def structure(self) -> Structure:
        return self.membership.structure

    @property
    def kind(self) -> SpaceKind:
        role = self.membership.role
        if role == Membership.Role.VALIDATOR:
            return SpaceKind.VALIDATOR
        if role == Membership.Role.PROJECT_MANAGER:
            return SpaceKind.PROJECT_MANAGER
        if role == Membership.Role.RECIPIENT_AGENT:
            return SpaceKind.RECIPIENT
        if role == Membership.Role.SUPPLIER_AGENT:
            return SpaceKind.SUPPLIER
        # A structure manager works in the space that fits the structure.
        return SpaceKind.RECIPIENT if self.structure.is_public else SpaceKind.SUPPLIER

    @property
    def label(self) -> str:
        return SPACE_LABELS[self.kind]


def _active_space(request, memberships: list[Membership]) -> Space | None:
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.pk == wanted), memberships[0])
    return Space(membership=chosen)


def space_activate(request, membership: Membership) -> Space:
    request.session[SESSION_KEY] = membership.pk
    return Space(membership=membership)


class ActiveSpaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # One query per request; a lazy proxy would hide None from `request.space is None`.
        request.memberships = (
            list(membership_list_for_user(user=request.user))
            if request.user.is_authenticated
            else []
        )
        request.space = _active_space(request, request.memberships)
        return self.get_response(request)


def space_context(request) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    # Loaded once by the middleware (no space means no membership); the header lists them.
    return {
        "space": getattr(request, "space", None),
        "memberships": getattr(request, "memberships", []),
    }
