"""The only place that speaks HTTP to Facturation.pro: authentication, identification, timeouts,
error kinds and exchange reports.

Steps of one call (:meth:`Transport.request`):

1. send the request with HTTP Basic (API identifier and key), the application's ``User-Agent``,
   explicit connect/read timeouts, no redirect followed and no transparent retry;
2. read the ``X-RateLimit-*`` headers, whatever the status;
3. turn the answer into an :class:`Answer` (JSON numbers as Decimal) or into one error kind;
4. report the exchange to the hook, bodies redacted, the key never included.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .config import FacturationProConfig
from .errors import (
    FacturationProAuthenticationError,
    FacturationProError,
    FacturationProNotFoundError,
    FacturationProProtocolError,
    FacturationProRejectedError,
    FacturationProTransientError,
)
from .exchange import Exchange, ExchangeHook, body_text, file_placeholder, report, scrub
from .paging import RateLimit
from .wire import dumps, loads

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """A successful answer: ``body`` is the decoded JSON (None for an empty or binary body)."""

    status: int
    body: Any
    content: bytes
    headers: Mapping[str, str]
    rate_limit: RateLimit | None


class Transport:
    """HTTP access for one API key. Thread-safe; reuses one ``requests.Session``."""

    def __init__(self, config: FacturationProConfig, *, hook: ExchangeHook | None = None,
                 session: requests.Session | None = None) -> None:
        self.config = config
        self.hook = hook
        self.session = session or self._new_session()
        credentials = f"{config.api_id}:{config.api_key}".encode()
        self._basic = base64.b64encode(credentials).decode("ascii")
        self.rate_limit: RateLimit | None = None

    def __repr__(self) -> str:
        return f"Transport(base_url={self.config.base_url!r}, api_id={self.config.api_id!r})"

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        # No retry inside urllib3: a settlement sent again after a lost answer is recorded twice.
        adapter = HTTPAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        self.session.close()

    def _secrets(self) -> list[str]:
        return [self.config.api_key, self._basic]

    def request(self, operation: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, upload: tuple[str, bytes] | None = None,
                accept: str = "application/json") -> Answer:
        """Send ``operation`` (the doc's heading, ``"GET /account.json"``) to ``path``.

        ``json`` is sent as the JSON body; ``upload`` = (file name, content) as the multipart
        field ``upload_file``. Raises one of the four error kinds on anything but a 2xx answer.
        """
        method = operation.split(" ", 1)[0]
        config = self.config
        headers = {"Authorization": f"Basic {self._basic}", "User-Agent": config.user_agent,
                   "Accept": accept}
        data: bytes | None = None
        files = None
        reported: Any = None
        if json is not None:
            data = dumps(json).encode("utf-8")
            headers["Content-Type"] = JSON_CONTENT_TYPE
            reported = json
        elif upload is not None:
            files = {"upload_file": (upload[0], upload[1], "application/octet-stream")}
            reported = {"upload_file": file_placeholder(len(upload[1]))}
        recorder = _Recorder(self, operation, method, path, params, reported)
        try:
            response = self.session.request(
                method, config.base_url + path, params=params, data=data, files=files,
                headers=headers, timeout=(config.connect_timeout, config.read_timeout),
                allow_redirects=False)
        except requests.RequestException as exc:
            raise recorder.failure(_from_exception(exc, operation)) from None

        rate_limit = _rate_limit(response)
        if rate_limit is not None:
            self.rate_limit = rate_limit
        parsed = _json_or_none(response)
        recorder.answer(response, parsed, rate_limit)
        if 200 <= response.status_code < 300:
            recorder.success()
            return Answer(response.status_code, parsed, response.content, response.headers,
                          rate_limit)
        raise recorder.failure(_http_error(response, parsed, operation, self._secrets(),
                                           rate_limit))


class _Recorder:
    """Collects what is known about one exchange and reports it exactly once."""

    def __init__(self, transport: Transport, operation: str, method: str, path: str,
                 params: Mapping[str, Any] | None, request: Any) -> None:
        self.transport = transport
        self.operation = operation
        self.method = method
        query = "&".join(f"{key}={value}" for key, value in (params or {}).items())
        self.path = f"{path}?{query}" if query else path
        self.request = request
        self.started_at = datetime.now(UTC)
        self.start = time.perf_counter()
        self.status: int | None = None
        self.body: Any = None
        self.rate_limit: RateLimit | None = None

    def answer(self, response: requests.Response, parsed: Any,
               rate_limit: RateLimit | None) -> None:
        self.status = response.status_code
        self.rate_limit = rate_limit
        if parsed is not None:
            self.body = parsed
        elif response.content.startswith(b"%PDF") or "text" not in response.headers.get(
                "Content-Type", "text"):
            self.body = file_placeholder(len(response.content))
        else:
            self.body = response.text

    def _report(self, error: FacturationProError | None) -> None:
        secrets = self.transport._secrets()
        report(self.transport.hook, Exchange(
            operation=self.operation, method=self.method,
            path=scrub(self.path, secrets) or self.path, started_at=self.started_at,
            duration_ms=round((time.perf_counter() - self.start) * 1000),
            http_status=self.status, request_body=body_text(self.request, secrets),
            response_body=body_text(self.body, secrets), rate_limit=self.rate_limit,
            error_kind=_error_kind(error),
            error=scrub(str(error), secrets) if error is not None else None))

    def success(self) -> None:
        self._report(None)

    def failure[E: FacturationProError](self, error: E) -> E:
        self._report(error)
        return error


def _error_kind(error: FacturationProError | None) -> str | None:
    if error is None:
        return None
    for kind, name in ((FacturationProTransientError, "transient"),
                       (FacturationProRejectedError, "rejected"),
                       (FacturationProAuthenticationError, "authentication")):
        if isinstance(error, kind):
            return name
    return "protocol"


def _json_or_none(response: requests.Response) -> Any:
    if not response.content or response.content.startswith(b"%PDF"):
        return None
    try:
        return loads(response.content)
    except ValueError:
        return None


def _header_int(response: requests.Response, name: str) -> int | None:
    value = (response.headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def _rate_limit(response: requests.Response) -> RateLimit | None:
    limit = _header_int(response, "X-RateLimit-Limit")
    remaining = _header_int(response, "X-RateLimit-Remaining")
    if limit is None or remaining is None:
        return None
    return RateLimit(limit=limit, remaining=remaining)


def _retry_after(response: requests.Response) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
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


def field_errors(parsed: Any) -> dict[str, list[str]]:
    """The ``errors`` of an answer as {field: [messages]}; non-field messages under ``base``.

    The doc names the ``errors`` field without its shape; both Rails shapes are read: an object
    of fields (``{"errors": {"total": ["doit être rempli(e)"]}}``) and a list of sentences.
    """
    errors = parsed.get("errors", parsed.get("error")) if isinstance(parsed, dict) else None
    if isinstance(errors, dict):
        return {str(key): [str(message) for message in
                           (value if isinstance(value, list) else [value])]
                for key, value in errors.items()}
    if isinstance(errors, list):
        return {"base": [str(message) for message in errors]}
    if isinstance(errors, str) and errors:
        return {"base": [errors]}
    return {}


def _describe(errors: dict[str, list[str]]) -> str:
    return "; ".join(message if key == "base" else f"{key}: {message}"
                     for key, messages in errors.items() for message in messages)


def _http_error(response: requests.Response, parsed: Any, operation: str, secrets: list[str],
                rate_limit: RateLimit | None) -> FacturationProError:
    status = response.status_code
    errors = field_errors(parsed)
    detail = _describe(errors) or (response.text[:200].strip() if parsed is None else "") \
        or (response.reason or "")
    detail = scrub(detail, secrets) or ""
    message = f"HTTP {status}" + (f": {detail}" if detail else "")
    common = {"operation": operation, "http_status": status}
    if status == 429:
        # "Retry later": past 600 requests in 5 minutes or 10,000 in a day.
        return FacturationProTransientError(
            message, reason="rate_limited", retry_after=_retry_after(response),
            rate_limit=rate_limit, **common)
    if status >= 500 and status != 501:
        return FacturationProTransientError(
            message, reason="server_error", retry_after=_retry_after(response),
            rate_limit=rate_limit, **common)
    if status in (401, 403):
        return FacturationProAuthenticationError(message, **common)
    if status == 404:
        return FacturationProNotFoundError(message, field_errors=errors, **common)
    if status in (400, 409, 413, 422):
        return FacturationProRejectedError(message, field_errors=errors, **common)
    # 501 is the doc's answer to a wrong Content-Type: a bug of ours, like any redirect or 405.
    return FacturationProProtocolError(f"unexpected {message}", **common)


def _never_connected(exc: BaseException) -> bool:
    """True when the failure happened before any byte of the request could reach the server."""
    pending: list[Any] = [exc]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | NameResolutionError | ConnectTimeoutError
                      | ConnectionRefusedError):
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None),
                    *current.args]
    return False


def _from_exception(exc: requests.RequestException, operation: str) -> FacturationProError:
    if isinstance(exc, requests.ConnectTimeout) or (
            isinstance(exc, requests.ConnectionError) and _never_connected(exc)):
        reason = "connect_timeout" if isinstance(exc, requests.ConnectTimeout) \
            else "connection_error"
        return FacturationProTransientError(f"could not connect ({type(exc).__name__})",
                                            reason=reason, operation=operation)
    if isinstance(exc, requests.ReadTimeout):
        return FacturationProTransientError(
            "no answer within the read timeout; the request may have been processed",
            reason="read_timeout", operation=operation, may_have_been_processed=True)
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema
                  | requests.exceptions.InvalidSchema):
        return FacturationProProtocolError(f"invalid URL ({type(exc).__name__})",
                                           operation=operation)
    # Sent, then the connection closed before a (complete) answer: it may have been recorded.
    return FacturationProTransientError(
        "the connection closed before an answer; the request may have been processed",
        reason="connection_dropped", operation=operation, may_have_been_processed=True)
