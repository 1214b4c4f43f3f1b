"""The invitee's page, opened from the e-mail's link."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.forms import NewcomerForm
from accounts.services.invitations import (
    InvitationRefused,
    invitation_accept,
    invitation_accept_as_newcomer,
    invitation_from_token,
)
from portal.spaces import space_activate
from structures.selectors import membership_list_for_user

TEMPLATE = "accounts/invitation.html"


@never_cache
def invitation(request, token: str):
    """Four cases: the link no longer works; the visitor is logged in with the invited address
    (join with one click); with another account (log out first); not logged in (log in with the
    account that has this address, or create one)."""
    try:
        invitation = invitation_from_token(token)
    except InvitationRefused as refusal:
        return render(request, TEMPLATE, {"refusal": str(refusal)}, status=410)
    context = {"invitation": invitation}
    user = request.user
    if user.is_authenticated:
        context["same_address"] = (user.email or "").lower() == invitation.email
        if request.method == "POST" and context["same_address"]:
            try:
                invitation_accept(token=token, user=user)
            except InvitationRefused as refusal:
                return render(request, TEMPLATE, {"refusal": str(refusal)}, status=410)
            _joined_message(request, invitation)
            # They came to work for this structure: its space becomes the active one.
            joined = membership_list_for_user(user=user).filter(
                structure_id=invitation.structure_id
            )
            if joined:
                space_activate(request, joined[0])
            return redirect("home")
        return render(request, TEMPLATE, context)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        context["has_account"] = True
        return render(request, TEMPLATE, context)
    form = NewcomerForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            newcomer = invitation_accept_as_newcomer(
                token=token,
                username=form.cleaned_data["username"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            auth_login(request, newcomer, backend="django.contrib.auth.backends.ModelBackend")
            _joined_message(request, invitation)
            # A manager is first asked to set up their second factor (middleware).
            return redirect("home")
    context["form"] = form
    return render(request, TEMPLATE, context)


def _joined_message(request, invitation) -> None:
    messages.success(
        request,
        _("Welcome to %(structure)s. You act for it as: %(roles)s.")
        % {
            "structure": invitation.structure.name,
            "roles": ", ".join(invitation.role_labels()),
        },
    )
