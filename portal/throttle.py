"""Login throttling against brute force: failures are counted per username and per address."""

from django.conf import settings
from django.core.cache import cache


def _user_key(username: str) -> str:
    return f"login-failures:user:{username.strip().lower()}"


def _keys(username: str, address: str) -> list[str]:
    return [_user_key(username), f"login-failures:ip:{address}"]


def login_is_locked(*, username: str, address: str) -> bool:
    counts = cache.get_many(_keys(username, address))
    return any(count >= settings.LOGIN_MAX_FAILURES for count in counts.values())


def login_failure_record(*, username: str, address: str) -> None:
    for key in _keys(username, address):
        # add() is a no-op when the key exists; incr() then keeps the original expiry window.
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_failures_clear(*, username: str) -> None:
    cache.delete(_user_key(username))
