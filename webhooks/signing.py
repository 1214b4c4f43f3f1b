"""Signing a delivery, and checking one as a receiver would (docs/webhooks.md).

The signature is HMAC-SHA256, keyed with the endpoint's secret, over the timestamp, a dot and
the exact bytes of the body: ``hex(hmac(secret, f"{timestamp}.".encode() + body))``. Each
attempt is signed afresh with its own timestamp; the event id stays the same across attempts,
retries and replays, so a receiver drops what it has already handled.
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
EVENT_ID_HEADER = "X-Webhook-Id"
EVENT_TYPE_HEADER = "X-Webhook-Event"
SCHEME = "v1"
# A receiver refuses a signature older (or further in the future) than this: a replayed
# request, even with a valid signature, is turned away.
TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def signed_headers(*, secret: str, body: bytes, event_id: str, event_type: str, now=None) -> dict:
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
    }


class SignatureError(ValueError):
    """Why a receiver refuses a request; ``code`` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def as_errors(self) -> dict:
        """The portal's error format (as its API answers), for a receiver built on it."""
        return {"errors": {"signature": [{"code": self.code, "message": str(self)}]}}


def signature_verify(
    *,
    secret: str,
    body: bytes,
    timestamp: str | None,
    signature_header: str | None,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Check a request as a receiver must; returns its timestamp, or raises SignatureError.

    1. The timestamp is an integer within ``tolerance`` seconds of now (a replay is refused).
    2. One of the header's ``v1=`` values equals the HMAC of the timestamp, a dot and the body,
       compared in constant time.
    """
    if not timestamp or not signature_header:
        raise SignatureError("missing", "The signature or timestamp header is missing.")
    try:
        stamp = int(timestamp)
    except ValueError:
        raise SignatureError("malformed", "The timestamp is not a whole number.") from None
    now = time.time() if now is None else now
    if abs(now - stamp) > tolerance:
        raise SignatureError(
            "expired", "The timestamp is too old or too far ahead: a replayed request."
        )
    expected = signature(secret=secret, timestamp=stamp, body=body)
    offered = [part.strip() for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureError("mismatch", "The signature does not match the body.")
    return stamp
