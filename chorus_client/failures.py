"""How an HTTP answer, or a request that failed, becomes one of the client's errors (transient,
rejected, authentication, protocol): return codes, HTTP statuses, Retry-After, the REST APIs'
error bodies, connection failures (chorus_client/transport.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .errors import (
    ChorusAuthenticationError,
    ChorusError,
    ChorusProtocolError,
    ChorusRejectedError,
    ChorusTransientError,
)
from .exchange import scrub
from .wire import loads


def resource_error_message(body: Any) -> str | None:
    """The first ``message`` of a REST API's ``[{error, message, detail}]`` error body."""
    if isinstance(body, list) and body and isinstance(body[0], dict):
        message = body[0].get("message")
        return str(message) if message is not None else None
    return None


def error_kind(error: ChorusError | None) -> str | None:
    if error is None:
        return None
    for kind, name in ((ChorusTransientError, "transient"), (ChorusRejectedError, "rejected"),
                       (ChorusAuthenticationError, "authentication")):
        if isinstance(error, kind):
            return name
    return "protocol"


def json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return loads(response.content)
    except ValueError:
        return None


def has_return_code(parsed: Any) -> bool:
    return isinstance(parsed, dict) and parsed.get("codeRetour") is not None


def return_code(parsed: dict[str, Any], operation: str, status: int) -> int:
    code = parsed.get("codeRetour")
    try:
        if code is None or isinstance(code, bool):
            raise ValueError
        return int(code)
    except (TypeError, ValueError):
        raise ChorusProtocolError("the answer has no valid codeRetour", operation=operation,
                                  http_status=status) from None


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def http_error(response: requests.Response, parsed: Any, operation: str,
                secrets: list[str]) -> ChorusError:
    status = response.status_code
    detail = ""
    if isinstance(parsed, dict):
        detail = str(parsed.get("libelle") or parsed.get("error_description")
                     or parsed.get("message") or parsed.get("error") or "")
    elif response.text:
        detail = response.text[:200]
    detail = scrub(detail, secrets) or ""
    suffix = f": {detail}" if detail else ""
    if status == 429:
        # Contract §8.2: PISTE quotas are [U]; the annex lists 429 "too many requests".
        retry_after = retry_after_seconds(response)
        return ChorusTransientError(f"rate limited (HTTP 429){suffix}", reason="rate_limited",
                                    operation=operation, http_status=status,
                                    retry_after=retry_after)
    if status >= 500:
        return ChorusTransientError(f"server error (HTTP {status}){suffix}", reason="server_error",
                                    operation=operation, http_status=status,
                                    retry_after=retry_after_seconds(response))
    if status == 403:
        # [U] contract §8.2 gives no body; on PISTE a 403 means the application is not subscribed
        # to this API (or its terms were not accepted): a credentials problem, not a retry.
        return ChorusAuthenticationError(f"access forbidden (HTTP 403){suffix}",
                                         operation=operation, http_status=status,
                                         www_authenticate=response.headers.get("WWW-Authenticate"))
    if status in (400, 413):
        # A 400 without {codeRetour, libelle}, or a 413 (download over 120 MB, contract §5.12):
        # Chorus Pro refused this request as sent.
        return ChorusRejectedError(f"HTTP {status}{suffix}", code=None, operation=operation,
                                   http_status=status)
    return ChorusProtocolError(f"unexpected HTTP {status}{suffix}", operation=operation,
                               http_status=status)


def never_connected(exc: BaseException) -> bool:
    """True when the failure happened before any byte of the request could reach the server."""
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | NameResolutionError | ConnectTimeoutError
                      | ConnectionRefusedError):
            return True
        if isinstance(current, BaseException):
            stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None),
                          *[arg for arg in current.args if isinstance(arg, BaseException)]])
    return False


def transient_from_exception(exc: requests.RequestException, operation: str) -> ChorusError:
    # Messages are ours: requests' own text can quote the URL, which is harmless, but keep it short.
    if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError) and never_connected(exc)):
        reason = "connect_timeout" if isinstance(exc, requests.ConnectTimeout) \
            else "connection_error"
        return ChorusTransientError(f"could not connect ({type(exc).__name__})", reason=reason,
                                    operation=operation)
    if isinstance(exc, requests.ReadTimeout):
        return ChorusTransientError(
            "no answer within the read timeout; the request may have been processed",
            reason="read_timeout", operation=operation, may_have_been_processed=True)
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        # The request was sent and the connection closed before a (complete) answer: Chorus Pro
        # may have committed it (the emulator's drop_after_commit fault).
        return ChorusTransientError(
            "the connection closed before an answer; the request may have been processed",
            reason="connection_dropped", operation=operation, may_have_been_processed=True)
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return ChorusProtocolError(f"invalid URL ({type(exc).__name__})", operation=operation)
    return ChorusTransientError(f"request failed ({type(exc).__name__})",
                                reason="connection_error", operation=operation,
                                may_have_been_processed=True)
