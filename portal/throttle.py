"""Throttling of logins and password-reset requests.

Logins are limited per account: after ``LOGIN_MAX_FAILURES`` failures in a row, each further
failure locks the account for twice as long as the previous one (one minute, two, four...), at
most ``LOGIN_LOCKOUT_SECONDS``; a successful login starts again from zero. Nobody's failures lock
another account. One client address also has a ceiling, ``LOGIN_ADDRESS_MAX_FAILURES`` failures
per window, far above what a person mistypes: against trying one password on many accounts. The
address is the client's (portal/proxies.py), never a reverse proxy's shared by every user.

Password-reset requests are limited per e-mail address typed and per client address, per hour.
Both limits count what was asked, never whether an account exists, so the answer reveals nothing.

The second step of a login (a code from an authenticator app, or a recovery code) has the same
lock per account as passwords, counted apart: knowing the password must not give an attacker
more tries at the code, and mistyped codes do not stop the password from being checked. A wrong
code also counts towards the client address's ceiling.

Invitations a structure manager sends are limited per manager and per invitation, per hour.

The counts live in the cache: Redis in production, or each process's memory while Redis is
unreachable (portal/cache.py), so logging in keeps working, and keeps being throttled.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

FIRST_LOCK_SECONDS = 60
# Failures in a row are remembered this long after the last one, so the delay keeps growing for
# someone who tries a few passwords an hour.
FAILURES_KEPT_SECONDS = 24 * 3600
PASSWORD_RESET_WINDOW_SECONDS = 3600
INVITATION_WINDOW_SECONDS = 3600
# A person who did not get the e-mail asks again once or twice; more is mail bombing.
INVITATION_RESENDS_PER_HOUR = 3


def login_is_locked(*, username: str, address: str | None) -> bool:
    return _is_locked(_account_lock_key(username), address)


def login_failure_record(*, username: str, address: str | None) -> None:
    """Count a wrong password: for the account, with its lock when due, and for the address."""
    _failure_record(_account_failures_key(username), _account_lock_key(username), address)


def login_failures_clear(*, username: str) -> None:
    cache.delete_many([_account_failures_key(username), _account_lock_key(username)])


def second_factor_is_locked(*, user_id: int, address: str | None) -> bool:
    return _is_locked(_second_factor_lock_key(user_id), address)


def second_factor_failure_record(*, user_id: int, address: str | None) -> None:
    """Count a wrong code in the second step of a login, as a wrong password is counted."""
    _failure_record(
        _second_factor_failures_key(user_id), _second_factor_lock_key(user_id), address
    )


def second_factor_failures_clear(*, user_id: int) -> None:
    cache.delete_many([_second_factor_failures_key(user_id), _second_factor_lock_key(user_id)])


def invitation_send_allow(*, inviter_id: int, invitation_id: int | None = None) -> bool:
    """Count one invitation e-mail asked by this manager (and, for a resend, for this
    invitation); False once either asked too often in the hour."""
    window = INVITATION_WINDOW_SECONDS
    allowed = _count(_window_key("invitation-inviter", str(inviter_id), window), window) <= (
        settings.INVITATIONS_MAX_PER_HOUR
    )
    if invitation_id is not None:
        resent = _count(_window_key("invitation-resend", str(invitation_id), window), window)
        allowed = allowed and resent <= INVITATION_RESENDS_PER_HOUR
    return allowed


def password_reset_allow(*, email: str, address: str | None) -> bool:
    """Count one request to reset the password of ``email``; False once this address or this
    e-mail address asked too often in the hour (the request is then not to be served)."""
    window = PASSWORD_RESET_WINDOW_SECONDS
    allowed = _count(_window_key("reset-email", email, window), window) <= (
        settings.PASSWORD_RESET_MAX_PER_ACCOUNT
    )
    if address:
        per_address = _count(_window_key("reset-address", address, window), window)
        allowed = allowed and per_address <= settings.PASSWORD_RESET_MAX_PER_ADDRESS
    return allowed


def _is_locked(account_key: str, address: str | None) -> bool:
    address_key = _window_key("login-address", address or "", settings.LOGIN_LOCKOUT_SECONDS)
    found = cache.get_many([account_key, address_key])
    if found.get(account_key, 0) > time.time():
        return True
    return bool(address) and found.get(address_key, 0) >= settings.LOGIN_ADDRESS_MAX_FAILURES


def _failure_record(failures_key: str, lock_key: str, address: str | None) -> None:
    failures = _count(failures_key, FAILURES_KEPT_SECONDS)
    beyond = failures - settings.LOGIN_MAX_FAILURES
    if beyond >= 0:
        seconds = min(FIRST_LOCK_SECONDS * 2**beyond, settings.LOGIN_LOCKOUT_SECONDS)
        # The lock holds the time it ends; the cache's own expiry only tidies up after it.
        until = time.time() + seconds
        cache.set(lock_key, until, seconds)
    if address:
        window = settings.LOGIN_LOCKOUT_SECONDS
        _count(_window_key("login-address", address, window), window)


def _digest(value: str) -> str:
    # Any text a visitor types becomes a short, safe key, and names no account in the cache.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _account_failures_key(username: str) -> str:
    return f"throttle:login-account:{_digest(username)}"


def _account_lock_key(username: str) -> str:
    return f"throttle:login-account-lock:{_digest(username)}"


def _second_factor_failures_key(user_id: int) -> str:
    return f"throttle:second-factor:{user_id}"


def _second_factor_lock_key(user_id: int) -> str:
    return f"throttle:second-factor-lock:{user_id}"


def _window_key(kind: str, value: str, window: int) -> str:
    # A fixed window in the key: the count then never depends on how a backend keeps expiries.
    return f"throttle:{kind}:{_digest(value)}:{int(time.time()) // window}"


def _count(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds)
    try:
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
    # Some backends' incr() rewrites the key with their default expiry.
    cache.touch(key, timeout=seconds)
    return value
