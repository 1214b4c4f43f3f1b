"""A structure manager's pages: the structure's people, their roles, invitations, the audit.

Every view starts from ``structure_managed_by_user`` (or a selector built on it): a structure
the user does not manage answers 404, whatever its id.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.forms import ROLE_HELP, AuditFilterForm, InvitationForm, MemberRolesForm
from accounts.selectors import (
    audit_event_list_for_structure,
    audit_people_for_structure,
    invitation_for_manager,
    invitation_list_for_structure,
    member_for_manager,
    member_list_for_structure,
)
from accounts.services.invitations import (
    InvitationRefused,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from accounts.services.members import MemberChangeRefused, member_remove, member_roles_set
from structures.selectors import structure_managed_by_user

AUDIT_PAGE_SIZE = 50


@login_required
def member_list(request, structure_id: int):
    structure = structure_managed_by_user(user=request.user, structure_id=structure_id)
    return _members_page(request, structure)


@login_required
@require_POST
def invitation_send(request, structure_id: int):
    structure = structure_managed_by_user(user=request.user, structure_id=structure_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            sent = invitation_create(
                structure=structure,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                inviter=request.user,
                language=translation.get_language(),
            )
        except InvitationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            _sent_message(request, sent)
            return redirect("accounts:members", structure_id=structure.pk)
    # What was typed stays in the form, with the reason next to it.
    return _members_page(request, structure, invitation_form=form)


@login_required
@require_POST
def invitation_resend_view(request, structure_id: int, invitation_id: int):
    structure, invitation = invitation_for_manager(
        user=request.user, structure_id=structure_id, invitation_id=invitation_id
    )
    try:
        sent = invitation_resend(invitation=invitation, actor=request.user)
    except InvitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        _sent_message(request, sent)
    return redirect("accounts:members", structure_id=structure.pk)


@login_required
@require_POST
def invitation_revoke_view(request, structure_id: int, invitation_id: int):
    structure, invitation = invitation_for_manager(
        user=request.user, structure_id=structure_id, invitation_id=invitation_id
    )
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The invitation of %(email)s is withdrawn: its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("accounts:members", structure_id=structure.pk)


@login_required
@require_POST
def member_roles(request, structure_id: int, member_id: int):
    structure, member = member_for_manager(
        user=request.user, structure_id=structure_id, member_id=member_id
    )
    form = MemberRolesForm(request.POST, prefix=_prefix(member.user.pk))
    if form.is_valid():
        try:
            member_roles_set(
                structure_id=structure.pk,
                user_id=member.user.pk,
                roles=form.cleaned_data["roles"],
                actor=request.user,
            )
        except MemberChangeRefused as refusal:
            form.add_error("roles", str(refusal))
        else:
            messages.success(
                request,
                _("The roles of %(person)s are saved.") % {"person": _name(member.user)},
            )
            return redirect("accounts:members", structure_id=structure.pk)
    return _members_page(request, structure, roles_form=(member.user.pk, form))


@login_required
def member_remove_view(request, structure_id: int, member_id: int):
    """Asks first (GET), then removes (POST)."""
    structure, member = member_for_manager(
        user=request.user, structure_id=structure_id, member_id=member_id
    )
    if request.method == "POST":
        try:
            member_remove(structure_id=structure.pk, user_id=member.user.pk, actor=request.user)
        except MemberChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(person)s no longer belongs to %(structure)s.")
                % {"person": _name(member.user), "structure": structure.name},
            )
        return redirect("accounts:members", structure_id=structure.pk)
    return render(
        request, "accounts/member_remove.html", {"structure": structure, "member": member}
    )


@login_required
def audit(request, structure_id: int):
    structure = structure_managed_by_user(user=request.user, structure_id=structure_id)
    people = audit_people_for_structure(structure=structure)
    form = AuditFilterForm(request.GET or None, people=people)
    events = audit_event_list_for_structure(structure=structure, **form.filters())
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/audit.html", {"structure": structure, "form": form, "page": page}
    )


def _members_page(request, structure, *, invitation_form=None, roles_form=None):
    members = member_list_for_structure(structure=structure)
    rows = []
    for member in members:
        if roles_form is not None and roles_form[0] == member.user.pk:
            form = roles_form[1]
        else:
            form = MemberRolesForm(initial={"roles": member.roles}, prefix=_prefix(member.user.pk))
        rows.append((member, form))
    return render(
        request,
        "accounts/members.html",
        {
            "structure": structure,
            "rows": rows,
            "invitations": invitation_list_for_structure(structure=structure),
            "invitation_form": invitation_form or InvitationForm(),
            "role_help": ROLE_HELP,
        },
    )


def _sent_message(request, sent) -> None:
    if sent.mailed:
        days = settings.INVITATION_VALID_DAYS
        messages.success(
            request,
            ngettext(
                "Invitation sent to %(email)s. The link works once, for %(days)s day.",
                "Invitation sent to %(email)s. The link works once, for %(days)s days.",
                days,
            )
            % {"email": sent.invitation.email, "days": days},
        )
    else:
        messages.warning(
            request,
            _(
                "The invitation of %(email)s is saved, but the e-mail could not be sent. Try "
                "sending it again in a moment."
            )
            % {"email": sent.invitation.email},
        )


def _prefix(user_id: int) -> str:
    return f"member-{user_id}"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
