"""What the client reports about each HTTP exchange, with secrets and file contents removed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .wire import dumps

logger = logging.getLogger("chorus_client")

# Base64 file contents: huge, and possibly personal data. Replaced by their decoded size.
FILE_FIELDS = frozenset({
    "pieceJointeFichier",  # ajouter/fichier
    "fichierFlux",         # deposer/flux
    "fichierFacture",      # deposer/pdf
    "fichierResultat",     # telecharger/groupe, telecharger/annuaire
    "pieceJointe",         # telecharger/pieceJointe (a string there; a list elsewhere, kept)
    "fichierCR",           # consulterCR
    "attachmentData",      # Référentiel des Organisations and Engagements attachments
})
# Credentials that may appear in a body (the token endpoint's form and answer).
SECRET_FIELDS = frozenset({"client_secret", "access_token", "refresh_token", "id_token",
                           "password", "motDePasse"})
REDACTED = "<redacted>"
MAX_TEXT = 4000


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One HTTP exchange with PISTE / Chorus Pro, safe to store and show to support staff.

    - ``operation``: the API path below ``/cpro/`` (``factures/v1/soumettre``), or ``oauth/token``;
    - ``started_at``: aware UTC datetime; ``duration_ms``: wall time of the exchange;
    - ``http_status``: None when no answer came back (timeout, dropped connection);
    - ``return_code`` / ``message``: ``codeRetour`` / ``libelle`` when the body had them;
    - ``request_body`` / ``response_body``: JSON text (or the start of a non-JSON answer) with
      secrets replaced by ``<redacted>`` and files by ``<redacted N bytes>``; None when empty;
    - ``attempt``: 1, or 2 for the retry after a refused token;
    - ``error_kind``: None on success, else ``transient``, ``rejected``, ``authentication`` or
      ``protocol``; ``error``: a one-line description of the failure.
    """

    operation: str
    method: str
    started_at: datetime
    duration_ms: int
    http_status: int | None
    return_code: int | None
    message: str | None
    request_body: str | None
    response_body: str | None
    attempt: int
    error_kind: str | None
    error: str | None = None


ExchangeHook = Callable[[Exchange], object]


def _file_placeholder(value: str) -> str:
    # Size of the decoded content, computed without decoding (base64: 4 chars for 3 bytes).
    stripped = value.strip()
    size = len(stripped) * 3 // 4 - stripped[-2:].count("=") if stripped else 0
    return f"<redacted {size} bytes>"


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with file contents and secret fields replaced."""
    if isinstance(value, Mapping):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            if key in SECRET_FIELDS and item is not None:
                cleaned[key] = REDACTED
            elif key in FILE_FIELDS and isinstance(item, str):
                cleaned[key] = _file_placeholder(item)
            else:
                cleaned[key] = redact(item)
        return cleaned
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def scrub(text: str | None, secrets: Iterable[str]) -> str | None:
    """Remove every literal occurrence of a secret: the last line of defence for free text."""
    if text is None:
        return None
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def body_text(body: Any, secrets: Iterable[str]) -> str | None:
    """The redacted JSON text of a body, or the (truncated) redacted text of a non-JSON answer."""
    if body is None:
        return None
    if isinstance(body, str | bytes):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if not text:
            return None
        return scrub(text[:MAX_TEXT], secrets)
    return scrub(dumps(redact(body)), secrets)


def report(hook: ExchangeHook | None, exchange: Exchange) -> None:
    """Give the exchange to the hook; a failing hook is logged and never breaks the call."""
    logger.debug("chorus %s %s attempt=%s status=%s code=%s %sms error=%s", exchange.method,
                 exchange.operation, exchange.attempt, exchange.http_status, exchange.return_code,
                 exchange.duration_ms, exchange.error_kind)
    if hook is None:
        return
    try:
        hook(exchange)
    except Exception:
        logger.exception("the Chorus Pro exchange hook failed for %s; the call goes on",
                         exchange.operation)
