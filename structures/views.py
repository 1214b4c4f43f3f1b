from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from structures.models import Membership
from structures.selectors import (
    connection_for_structure,
    service_list_for_structure,
    structure_for_user,
)


@login_required
def structure_detail(request, structure_id: int):
    structure = structure_for_user(user=request.user, structure_id=structure_id)
    is_manager = structure.memberships.filter(
        user=request.user, role=Membership.Role.STRUCTURE_MANAGER
    ).exists()
    connection = connection_for_structure(structure=structure) if is_manager else None
    days_left = None
    if connection and connection.password_expires_on:
        days_left = (connection.password_expires_on - timezone.localdate()).days
    return render(
        request,
        "structures/structure_detail.html",
        {
            "structure": structure,
            "services": service_list_for_structure(structure=structure),
            "is_manager": is_manager,
            "connection": connection,
            "password_days_left": days_left,
            "password_warning": days_left is not None
            and days_left <= settings.CHORUS_PASSWORD_WARNING_DAYS,
        },
    )
