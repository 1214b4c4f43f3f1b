"""A login in two steps: the password, then a code, for users who have a second factor.

After the right password, such a user is not logged in yet: the session only remembers, for a
few minutes (SECOND_FACTOR_PENDING_SECONDS), who typed it and where they were going. The login
happens once the code is right, and the session is then marked as verified by that device
(django-otp), which OTPMiddleware checks on every request.
"""

import time

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login

PENDING_KEY = "login_second_step"


def login_second_step_start(request, *, user, redirect_to: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "next": redirect_to,
    }


def login_second_step_pending(request):
    """(user, where to go next) while the password was typed a short while ago; else None."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.SECOND_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return None
    user.backend = pending["backend"]
    return user, pending["next"]


def login_complete(request, *, user, device) -> None:
    """Log the user in, verified by ``device``; ``user.backend`` says who checked the
    password."""
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend=user.backend)
    django_otp.login(request, device)
