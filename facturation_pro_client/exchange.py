"""What the client reports about each HTTP exchange, with the key and file contents removed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .paging import RateLimit
from .wire import dumps

logger = logging.getLogger("facturation_pro_client")

# Bank details of customers (readable with the firm administrator's key only): personal data that
# support staff do not need to see in a log of exchanges.
SECRET_FIELDS = frozenset({"sepa_iban", "sepa_bic", "sepa_rum", "api_key", "password"})
REDACTED = "<redacted>"
MAX_TEXT = 4000


@dataclass(frozen=True, kw_only=True)
class Exchange:
    """One HTTP exchange with Facturation.pro, safe to store and show to support staff.

    - ``operation``: the doc's heading for the endpoint, ``GET /firms/FIRM_ID/invoices.json``;
      ``path``: the path really asked, ids and query included (``/firms/48201/invoices.json?
      page=2``);
    - ``started_at``: aware UTC datetime; ``duration_ms``: wall time of the exchange;
    - ``http_status``: None when no answer came back (timeout, dropped connection);
    - ``request_body`` / ``response_body``: JSON text with bank details replaced by
      ``<redacted>``; files (uploads, PDFs) as ``<file N bytes>``; None when empty;
    - ``rate_limit``: the ``X-RateLimit-*`` headers of the answer, when present;
    - ``error_kind``: None on success, else ``transient``, ``rejected``, ``authentication`` or
      ``protocol``; ``error``: a one-line description of the failure.

    The API key and the ``Authorization`` header never appear: headers are not reported and any
    literal occurrence of the key in a text is scrubbed.
    """

    operation: str
    method: str
    path: str
    started_at: datetime
    duration_ms: int
    http_status: int | None
    request_body: str | None
    response_body: str | None
    rate_limit: RateLimit | None
    error_kind: str | None
    error: str | None = None


ExchangeHook = Callable[[Exchange], object]


def file_placeholder(size: int) -> str:
    return f"<file {size} bytes>"


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with secret and personal bank fields replaced."""
    if isinstance(value, Mapping):
        return {key: REDACTED if key in SECRET_FIELDS and item not in (None, "")
                else redact(item) for key, item in value.items()}
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
    """The redacted JSON text of a body, or the (truncated) redacted text of a non-JSON one."""
    if body is None or body == "" or body == b"":
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        return scrub(body[:MAX_TEXT], secrets)
    return scrub(dumps(redact(body))[:MAX_TEXT * 4], secrets)


def report(hook: ExchangeHook | None, exchange: Exchange) -> None:
    """Give the exchange to the hook; a failing hook is logged and never breaks the call."""
    logger.debug("facturation.pro %s status=%s %sms error=%s", exchange.path,
                 exchange.http_status, exchange.duration_ms, exchange.error_kind)
    if hook is None:
        return
    try:
        hook(exchange)
    except Exception:
        logger.exception("the Facturation.pro exchange hook failed for %s; the call goes on",
                         exchange.operation)
