"""API keys: made and revoked by a structure manager, checked on every call.

A key reads ``cpk_<prefix>_<secret>``. The prefix finds the row; only the SHA-256 of the whole
key is stored (the secret is 32 random bytes, so a slow hash would add nothing but latency).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiKey
from structures.models import Structure

KEY_PREFIX = "cpk"
# last_used_at is written at most this often per key: one UPDATE per request would be wasted.
LAST_USED_PRECISION = timedelta(minutes=1)
SCOPE_ORDER = [ApiKey.Scope.READ, ApiKey.Scope.WRITE, ApiKey.Scope.SEND]


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    secret: str  # shown once, never stored


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def api_key_roles(*, structure: Structure) -> list[str]:
    """The spaces a key of ``structure`` may act in: a company supplies; a public entity
    receives, validates, or supplies another public entity."""
    if structure.is_public:
        return [ApiKey.Role.RECIPIENT, ApiKey.Role.VALIDATOR, ApiKey.Role.SUPPLIER]
    return [ApiKey.Role.SUPPLIER]


def api_key_create(
    *, structure: Structure, user, name: str, scope: str, role: str, expires_at=None
) -> IssuedKey:
    """Make a key; the returned secret is the only copy."""
    if role not in api_key_roles(structure=structure):
        raise ValueError(f"role {role!r} is not open to this structure")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        structure=structure,
        name=name,
        scope=scope,
        role=role,
        prefix=prefix,
        key_hash=_hash(secret),
        created_by=user,
        expires_at=expires_at,
    )
    return IssuedKey(api_key=api_key, secret=secret)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, user) -> bool:
    """Revoke at once (the next call with it is refused). False when it already was."""
    revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )
    return bool(revoked)


class KeyRefused(Exception):
    """The key is missing, unknown, revoked or expired; ``reason`` says which, for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def api_key_authenticate(*, secret: str) -> ApiKey:
    """The key this secret belongs to, or KeyRefused."""
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        raise KeyRefused("unknown")
    api_key = (
        ApiKey.objects.select_related("structure", "created_by").filter(prefix=parts[1]).first()
    )
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(secret)):
        raise KeyRefused("unknown")
    now = timezone.now()
    if api_key.revoked_at is not None:
        raise KeyRefused("revoked")
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise KeyRefused("expired")
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


def scope_allows(*, api_key: ApiKey, needed: str) -> bool:
    return SCOPE_ORDER.index(api_key.scope) >= SCOPE_ORDER.index(needed)
