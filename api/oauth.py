"""OAuth2 client credentials (RFC 6749 §4.4), as Facturation.pro offers third-party
applications: the client id is a key's prefix, the client secret the key itself; the access
token stands for the key (same structure, space and scope) for ACCESS_TOKEN_SECONDS."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from api.keys import KeyRefused, api_key_authenticate
from api.models import ApiAccessToken, ApiKey

ACCESS_TOKEN_PREFIX = "cpat_"  # noqa: S105 (a marker, not a secret)
ACCESS_TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int
    scope: str


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def access_token_issue(*, client_id: str, client_secret: str) -> IssuedToken:
    """A token for the key ``client_secret`` whose prefix is ``client_id``; KeyRefused else."""
    api_key = api_key_authenticate(secret=client_secret)
    if not secrets.compare_digest(api_key.prefix, client_id):
        raise KeyRefused("unknown")
    token = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    ApiAccessToken.objects.create(
        api_key=api_key,
        token_hash=_hash(token),
        expires_at=now + timedelta(seconds=ACCESS_TOKEN_SECONDS),
    )
    # Expired tokens of the key are of no use to anyone.
    ApiAccessToken.objects.filter(api_key=api_key, expires_at__lt=now).delete()
    return IssuedToken(token=token, expires_in=ACCESS_TOKEN_SECONDS, scope=api_key.scope)


def access_token_authenticate(*, token: str) -> ApiKey:
    """The key an access token stands for, or KeyRefused (unknown, expired, key revoked)."""
    found = (
        ApiAccessToken.objects.select_related("api_key__structure", "api_key__created_by")
        .filter(token_hash=_hash(token))
        .first()
    )
    if found is None:
        raise KeyRefused("unknown")
    if found.expires_at <= timezone.now():
        raise KeyRefused("expired")
    api_key = found.api_key
    if api_key.revoked_at is not None:
        raise KeyRefused("revoked")
    if api_key.expires_at is not None and api_key.expires_at <= timezone.now():
        raise KeyRefused("expired")
    return api_key
