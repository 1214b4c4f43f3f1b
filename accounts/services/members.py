"""A structure manager changes the roles of the structure's people, or removes them.

A structure always keeps a manager, and a manager never takes away their own management: both
are checked under a lock on the structure's row, which every change of roles takes first, so two
managers demoting each other at the same instant cannot leave the structure without one.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AuditKind
from accounts.services.audit import audit_record, person_name
from structures.models import Membership, Structure

MANAGER = Membership.Role.STRUCTURE_MANAGER
ROLE_ORDER = [value for value, _label in Membership.Role.choices]


class MemberChangeRefused(Exception):
    """The change would break a rule; the message says which, for the manager."""


def roles_ordered(roles) -> list[str]:
    """Roles in the order the portal lists them, each once."""
    wanted = set(roles)
    return [role for role in ROLE_ORDER if role in wanted]


def member_roles_set(*, structure_id: int, user_id: int, roles: list[str], actor) -> list[str]:
    """Give ``user_id`` exactly ``roles`` in the structure; returns the roles they had."""
    roles = roles_ordered(roles)
    if not roles:
        raise MemberChangeRefused(_("Choose at least one role, or remove the person instead."))
    with transaction.atomic():
        structure = _locked_structure(structure_id=structure_id, actor=actor)
        member, before = _member_roles(structure=structure, user_id=user_id)
        if before == roles:
            return before
        _keep_a_manager(structure=structure, member=member, before=before, after=roles, actor=actor)
        Membership.objects.filter(structure=structure, user=member).exclude(role__in=roles).delete()
        for role in set(roles) - set(before):
            Membership.objects.create(structure=structure, user=member, role=role)
        audit_record(
            kind=AuditKind.ROLES_CHANGED,
            actor=actor,
            structure=structure,
            subject=member,
            details={"before": before, "after": roles},
        )
    return before


def member_remove(*, structure_id: int, user_id: int, actor) -> list[str]:
    """Take every role of ``user_id`` in the structure away; returns the roles they had."""
    with transaction.atomic():
        structure = _locked_structure(structure_id=structure_id, actor=actor)
        member, before = _member_roles(structure=structure, user_id=user_id)
        _keep_a_manager(structure=structure, member=member, before=before, after=[], actor=actor)
        Membership.objects.filter(structure=structure, user=member).delete()
        audit_record(
            kind=AuditKind.MEMBER_REMOVED,
            actor=actor,
            structure=structure,
            subject=member,
            details={"roles": before},
        )
    return before


def _locked_structure(*, structure_id: int, actor) -> Structure:
    """The structure's row, locked until the end of the transaction; the actor must still be
    one of its managers once the lock is held (another manager may have just demoted them)."""
    structure = Structure.objects.select_for_update().get(pk=structure_id)
    if not Membership.objects.filter(structure=structure, user=actor, role=MANAGER).exists():
        raise MemberChangeRefused(_("You are no longer a manager of this structure."))
    return structure


def _member_roles(*, structure: Structure, user_id: int):
    memberships = list(
        Membership.objects.filter(structure=structure, user_id=user_id).select_related("user")
    )
    if not memberships:
        raise MemberChangeRefused(_("This person is no longer a member of the structure."))
    return memberships[0].user, roles_ordered(m.role for m in memberships)


def _keep_a_manager(*, structure: Structure, member, before, after, actor) -> None:
    if MANAGER not in before or MANAGER in after:
        return
    managers = Membership.objects.filter(structure=structure, role=MANAGER).count()
    if managers <= 1:
        raise MemberChangeRefused(
            _(
                "%(person)s is the structure's only manager: make someone else manager first, "
                "so that the structure keeps one."
            )
            % {"person": person_name(member)}
        )
    if member.pk == actor.pk:
        raise MemberChangeRefused(
            _(
                "You cannot take away your own management of the structure: ask another "
                "manager to do it."
            )
        )
