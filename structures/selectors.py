"""Every query on structures that a view makes, scoped to what the user may see."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from structures.models import ChorusConnection, Membership, Service, Structure


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, structure__is_active=True)
        .select_related("structure")
        .order_by("structure__name", "role", "pk")
    )


def membership_for_user(*, user, membership_id: int) -> Membership:
    return get_object_or_404(membership_list_for_user(user=user), pk=membership_id)


def structure_list_for_user(*, user) -> QuerySet[Structure]:
    return Structure.objects.filter(memberships__user=user).distinct()


def structure_for_user(*, user, structure_id: int) -> Structure:
    return get_object_or_404(structure_list_for_user(user=user), pk=structure_id)


def structure_managed_by_user(*, user, structure_id: int) -> Structure:
    return get_object_or_404(
        Structure.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.STRUCTURE_MANAGER
        ).distinct(),
        pk=structure_id,
    )


def connection_for_structure(*, structure: Structure) -> ChorusConnection | None:
    return ChorusConnection.objects.filter(structure=structure).first()


def service_list_for_structure(*, structure: Structure) -> QuerySet[Service]:
    return structure.services.order_by("-is_active", "code")
