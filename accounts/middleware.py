"""Support staff and structure managers do nothing in the portal before their second factor.

A user who must have a second factor and whose session is not verified by one (OTPMiddleware):
- without a device yet (a new manager, or after a reset by support) is sent to set one up, and
  may reach nothing else but logging out and the language switch;
- with a device (set up from another session) logs in again, with a code this time.
Users with a device always log in with it (accounts.login_steps); this catches every other way a
session can start or change: an invitation accepted, a role given during the session, a reset.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from accounts.services.two_factor import totp_device_for_user, two_factor_required

ALLOWED_WITHOUT_SECOND_FACTOR = {
    "accounts:two_factor",
    "accounts:recovery_codes",
    "logout",
    "set_language",
    "health",
}


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and two_factor_required(user=user)
            and _view_name(request.path_info) not in ALLOWED_WITHOUT_SECOND_FACTOR
        ):
            return self._second_factor_first(request, user)
        return self.get_response(request)

    def _second_factor_first(self, request, user):
        if totp_device_for_user(user=user) is not None:
            logout(request)
            messages.info(request, _("Log in again, with a code from your app this time."))
            return redirect_to_login(request.get_full_path())
        if request.method == "GET":
            messages.info(
                request,
                _(
                    "Your role requires two-factor login. Set it up now: it takes a minute, "
                    "with an authenticator app on your phone."
                ),
            )
        return redirect("accounts:two_factor")


def _view_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""
