"""Every query the people pages make, scoped to the structures the user manages."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, AuditKind, Invitation
from accounts.services.audit import person_name
from accounts.services.members import MANAGER, roles_ordered
from structures.models import Membership, Structure
from structures.selectors import structure_managed_by_user

SECOND_FACTOR_KINDS = [
    AuditKind.TWO_FACTOR_ENROLLED,
    AuditKind.TWO_FACTOR_REMOVED,
    AuditKind.TWO_FACTOR_RESET,
    AuditKind.RECOVERY_CODES_REGENERATED,
    AuditKind.RECOVERY_CODE_USED,
]


@dataclass(frozen=True)
class Member:
    user: object
    roles: list[str]
    has_second_factor: bool

    @property
    def is_manager(self) -> bool:
        return MANAGER in self.roles

    def role_labels(self) -> list[str]:
        return [str(Membership.Role(role).label) for role in self.roles]


def member_list_for_structure(*, structure: Structure) -> list[Member]:
    """The structure's people, each once with their roles, by name."""
    memberships = Membership.objects.filter(structure=structure).select_related("user")
    roles_by_user: dict[int, list[str]] = {}
    users = {}
    for membership in memberships:
        roles_by_user.setdefault(membership.user_id, []).append(membership.role)
        users[membership.user_id] = membership.user
    enrolled = set(
        TOTPDevice.objects.filter(user_id__in=users, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    members = [
        Member(user=user, roles=roles_ordered(roles_by_user[pk]), has_second_factor=pk in enrolled)
        for pk, user in users.items()
    ]
    return sorted(
        members,
        key=lambda m: ((m.user.last_name or m.user.username).lower(), m.user.first_name.lower()),
    )


def member_for_manager(*, user, structure_id: int, member_id: int) -> tuple[Structure, Member]:
    """A member of a structure ``user`` manages; 404 for another structure or a non-member."""
    structure = structure_managed_by_user(user=user, structure_id=structure_id)
    member = next(
        (m for m in member_list_for_structure(structure=structure) if m.user.pk == member_id), None
    )
    if member is None:
        raise Http404
    return structure, member


def invitation_list_for_structure(*, structure: Structure) -> QuerySet[Invitation]:
    """Invitations still waiting for their invitee, expired ones included (they can be sent
    again)."""
    return (
        Invitation.objects.filter(structure=structure, status=Invitation.Status.PENDING)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_for_manager(
    *, user, structure_id: int, invitation_id: int
) -> tuple[Structure, Invitation]:
    structure = structure_managed_by_user(user=user, structure_id=structure_id)
    invitation = get_object_or_404(
        Invitation.objects.select_related("structure"), pk=invitation_id, structure=structure
    )
    return structure, invitation


def audit_event_list_for_structure(
    *, structure: Structure, person: int | None = None, kind: str | None = None
) -> QuerySet[AuditEvent]:
    """What happened in the structure, newest first, and what its present members did about
    their second factor."""
    member_ids = Membership.objects.filter(structure=structure).values("user_id")
    events = AuditEvent.objects.filter(
        Q(structure=structure)
        | Q(structure__isnull=True, kind__in=SECOND_FACTOR_KINDS, subject_id__in=member_ids)
    )
    if person:
        events = events.filter(Q(actor_id=person) | Q(subject_id=person))
    if kind:
        events = events.filter(kind=kind)
    return events.order_by("-occurred_at", "-pk")


def audit_people_for_structure(*, structure: Structure) -> list[tuple[int, str]]:
    """Everyone the structure's audit names with an account, for its filter: its members, and
    whoever acted or was acted on in it."""
    names = {m.user.pk: person_name(m.user) for m in member_list_for_structure(structure=structure)}
    events = AuditEvent.objects.filter(structure=structure)
    for id_field, name_field in (("actor_id", "actor_name"), ("subject_id", "subject_name")):
        named = events.filter(**{f"{id_field}__isnull": False}).values_list(id_field, name_field)
        for pk, name in named.order_by().distinct():
            names.setdefault(pk, name)
    return sorted(names.items(), key=lambda item: item[1].lower())
