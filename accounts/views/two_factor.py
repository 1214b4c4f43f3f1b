"""The second step of a login, and each person's second-factor settings."""

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import CodeForm
from accounts.login_steps import login_complete, login_second_step_pending
from accounts.services.two_factor import (
    Outcome,
    enrolment_confirm,
    enrolment_device,
    enrolment_qr_svg,
    enrolment_secret_text,
    recovery_codes_left,
    recovery_codes_regenerate,
    second_factor_verify,
    totp_device_for_user,
    two_factor_remove,
    two_factor_required,
)
from portal.proxies import client_address

NEW_CODES_KEY = "recovery_codes_to_show"
REFUSALS = {
    Outcome.WRONG: gettext_lazy(
        "This code is not right. Type the 6 digits your app shows now, or one of your recovery "
        "codes."
    ),
    Outcome.REUSED: gettext_lazy(
        "This code was already used to log in: wait for the next one your app shows (a new "
        "code comes every 30 seconds)."
    ),
    Outcome.LOCKED: gettext_lazy(
        "Too many wrong codes. For your security, wait a few minutes before trying again."
    ),
}


@never_cache
def login_code(request):
    """Second step of the login: the code of the user who has just typed their password."""
    pending = login_second_step_pending(request)
    if pending is None:
        messages.info(request, _("Type your password again to log in."))
        return redirect("login")
    user, next_url = pending
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = _verify(request, user, form.cleaned_data["code"])
        if check.accepted:
            login_complete(request, user=user, device=check.device)
            if check.recovery_code_used:
                messages.warning(request, _recovery_code_used_message(check.recovery_codes_left))
            return redirect(next_url)
        form.add_error("code", REFUSALS[check.outcome])
    return render(request, "registration/login_code.html", {"form": form, "pending_user": user})


@login_required
@never_cache
def two_factor(request):
    """The user's second factor: its state and what they can do with it, or, when they have
    none, the setting up of an authenticator app (QR code, then a first code)."""
    user = request.user
    device = totp_device_for_user(user=user)
    replacing = device is not None and "replace" in request.GET
    context = {"required": two_factor_required(user=user), "device": device}
    if device is not None and not replacing:
        context["codes_left"] = recovery_codes_left(user=user)
        context["verified"] = user.is_verified()
        context["off_form"] = CodeForm(autofocus=False)
        return render(request, "accounts/two_factor.html", context)
    if replacing and not user.is_verified():
        return _reauthenticate(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = enrolment_confirm(
            user=user, code=form.cleaned_data["code"], address=client_address(request)
        )
        if check.accepted:
            django_otp.login(request, check.device)
            request.session[NEW_CODES_KEY] = check.new_recovery_codes
            messages.success(request, _("Two-factor login is set up."))
            return redirect("accounts:recovery_codes")
        form.add_error("code", REFUSALS[check.outcome])
    enrolling = enrolment_device(user=user)
    context.update(
        enrolling=True,
        replacing=replacing,
        form=form,
        qr_svg=enrolment_qr_svg(device=enrolling),
        secret=enrolment_secret_text(device=enrolling),
    )
    return render(request, "accounts/two_factor.html", context)


@login_required
@never_cache
def recovery_codes(request):
    """The new recovery codes, shown once: a reload shows that they were."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "has_device": totp_device_for_user(user=request.user) is not None},
    )


@login_required
@require_POST
def recovery_codes_new(request):
    if totp_device_for_user(user=request.user) is None:
        return redirect("accounts:two_factor")
    if not request.user.is_verified():
        return _reauthenticate(request)
    request.session[NEW_CODES_KEY] = recovery_codes_regenerate(user=request.user)
    messages.success(request, _("New recovery codes: the previous ones no longer work."))
    return redirect("accounts:recovery_codes")


@login_required
@require_POST
def two_factor_off(request):
    user = request.user
    if two_factor_required(user=user):
        messages.error(request, _("Your role requires two-factor login: it stays on."))
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST, autofocus=False)
    if form.is_valid():
        check = two_factor_remove(
            user=user, code=form.cleaned_data["code"], address=client_address(request)
        )
        if check.accepted:
            messages.success(request, _("Two-factor login is turned off."))
            return redirect("account")
        form.add_error("code", REFUSALS[check.outcome])
    return render(
        request,
        "accounts/two_factor.html",
        {
            "required": False,
            "device": totp_device_for_user(user=user),
            "codes_left": recovery_codes_left(user=user),
            "verified": user.is_verified(),
            "off_form": form,
        },
    )


def back_office_login(request):
    """The back-office's own login form would skip the second factor: the back-office sends
    its visitors to the portal's login instead."""
    if not request.user.is_authenticated:
        # The login page checks that ``next`` stays on the portal.
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
    if request.user.is_staff:
        return redirect("admin:index")
    messages.error(request, _("Your account has no access to the back-office."))
    return redirect("home")


def _verify(request, user, code):
    return second_factor_verify(user=user, code=code, address=client_address(request))


def _reauthenticate(request):
    messages.info(
        request,
        _("To change your second factor, log in again with a code from your app."),
    )
    return redirect("accounts:two_factor")


def _recovery_code_used_message(left: int) -> str:
    return ngettext(
        "You logged in with a recovery code, which now no longer works: %(count)s is left. "
        "Generate new ones from your account.",
        "You logged in with a recovery code, which now no longer works: %(count)s are left. "
        "Generate new ones from your account.",
        left,
    ) % {"count": left}
