"""The only place that speaks HTTP: PISTE token, Chorus Pro headers, errors, exchange reports.

Steps of one API call (:meth:`Transport.call`):

1. get a bearer token from the cache, or ask the PISTE token endpoint for one (client credentials);
2. POST the JSON body (``{}`` when empty) with ``Authorization``, ``cpro-account`` and
   ``Content-Type: application/json;charset=utf-8``, with explicit connect/read timeouts;
3. on a 401 about the bearer, drop the token, get a new one and send again, exactly once;
   a 401 about the technical account (``cpro-account``) is final at once: a new token cannot fix it;
4. turn the answer into a dict (numbers as Decimal) or into one of the error kinds;
5. report every HTTP exchange, token calls, failures and retries included, to the hook.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .config import ChorusConfig
from .errors import (
    ChorusAuthenticationError,
    ChorusError,
    ChorusProtocolError,
    ChorusRejectedError,
)
from .exchange import Exchange, ExchangeHook, body_text, report, scrub
from .failures import (
    error_kind,
    has_return_code,
    http_error,
    json_or_none,
    resource_error_message,
    return_code,
    transient_from_exception,
)
from .wire import dumps

TOKEN_OPERATION = "oauth/token"  # noqa: S105 (an operation name, not a secret)
JSON_CONTENT_TYPE = "application/json;charset=utf-8"
# Contract §1.3 [S]: PISTE explains a bad technical account as "login or password incorrects".
_TECHNICAL_ACCOUNT_401 = re.compile(r"login|password|mot de passe|cpro-account", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    value: str = ""
    renew_at: float = 0.0

    def __repr__(self) -> str:
        return "_Token(<redacted>)"


class _BearerRefused(Exception):
    """Internal: the API answered 401 about the bearer; the caller refreshes and retries once."""

    def __init__(self, error: ChorusAuthenticationError) -> None:
        super().__init__("bearer refused")
        self.error = error


class TokenCache:
    """PISTE bearer tokens, shared by every Transport given the same cache.

    A token belongs to the PISTE application (client credentials), not to the technical account
    (that one travels in the cpro-account header), so the clients of one process acting for
    different accounts of one environment can share it instead of fetching one each.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._tokens: dict[tuple[str, str], _Token] = {}

    def get(self, key: tuple[str, str]) -> _Token | None:
        return self._tokens.get(key)

    def put(self, key: tuple[str, str], token: _Token) -> None:
        self._tokens[key] = token

    def drop(self, key: tuple[str, str], value: str) -> None:
        current = self._tokens.get(key)
        if current is not None and current.value == value:
            del self._tokens[key]


class Transport:
    """HTTP access to one Chorus Pro account. Thread-safe; reuses one ``requests.Session``."""

    def __init__(self, config: ChorusConfig, *, hook: ExchangeHook | None = None,
                 session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 token_cache: TokenCache | None = None) -> None:
        self.config = config
        self.hook = hook
        self._clock = clock
        # Without a shared cache each transport keeps its own token, as before.
        self._tokens = token_cache or TokenCache()
        self._token_key = (config.token_url, config.client_id)
        self._session = session or self._new_session()
        # Contract §1.3 [C]: base64 of "login:password", UTF-8.
        credentials = f"{config.technical_login}:{config.technical_password}"
        self._account_header = base64.b64encode(credentials.encode("utf-8")).decode("ascii")

    def __repr__(self) -> str:
        return f"Transport(api_base_url={self.config.api_base_url!r})"

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        # No transparent retry by urllib3: resending a POST such as soumettre after a lost answer
        # could create a duplicate invoice. Retrying is the caller's decision.
        adapter = HTTPAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        self._session.close()

    # --- secrets -----------------------------------------------------------------------------

    def _secrets(self, *extra: str) -> list[str]:
        current = self._tokens.get(self._token_key)
        token = current.value if current else ""
        return [self.config.client_secret, self.config.technical_password, self._account_header,
                token, *extra]

    # --- token -------------------------------------------------------------------------------

    def token(self, *, attempt: int = 1) -> str:
        """A valid bearer token, fetched once and shared until shortly before it expires."""
        with self._tokens.lock:
            # Holding the lock while fetching: concurrent callers wait for one fetch, not N.
            current = self._tokens.get(self._token_key)
            if current is None or self._clock() >= current.renew_at:
                current = self._fetch_token(attempt)
                self._tokens.put(self._token_key, current)
            return current.value

    def invalidate_token(self, token: str) -> None:
        """Forget ``token`` unless another thread already replaced it."""
        with self._tokens.lock:
            self._tokens.drop(self._token_key, token)

    def _fetch_token(self, attempt: int) -> _Token:
        config = self.config
        form = {"grant_type": "client_credentials", "client_id": config.client_id,
                "client_secret": config.client_secret, "scope": "openid"}
        record = _Recorder(self, TOKEN_OPERATION, "POST", form, attempt)
        try:
            response = self._session.post(
                config.token_url, data=form, headers={"Accept": "application/json"},
                timeout=(config.connect_timeout, config.read_timeout), allow_redirects=False)
        except requests.RequestException as exc:
            raise record.failure(transient_from_exception(exc, TOKEN_OPERATION)) from None

        body = json_or_none(response)
        record.answer(response, body)
        status = response.status_code
        if status == 200 and isinstance(body, dict):
            token = body.get("access_token")
            expires_in = body.get("expires_in")
            token_type = str(body.get("token_type") or "")
            try:
                lifetime = float(expires_in)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                lifetime = 0.0
            # Pastell issue #1682 (contract §10.2): refuse an empty token, a missing type or a
            # non-positive lifetime rather than looping on a useless token.
            if not token or not isinstance(token, str) or lifetime <= 0 \
                    or token_type.lower() != "bearer":
                raise record.failure(ChorusProtocolError(
                    "the token endpoint answered without a usable bearer token",
                    operation=TOKEN_OPERATION, http_status=status))
            # Renew a little before expiry; a short test lifetime keeps three quarters of itself.
            margin = min(config.token_expiry_margin, lifetime / 4)
            record.success()
            return _Token(token, self._clock() + lifetime - margin)
        if status in (400, 401, 403):
            # Contract §1.2: {error, error_description}; exact statuses are [U].
            detail = ""
            if isinstance(body, dict):
                detail = " ".join(str(body.get(key) or "")
                                  for key in ("error", "error_description"))
            www = response.headers.get("WWW-Authenticate")
            message = f"the PISTE token endpoint refused the client credentials (HTTP {status})"
            if detail.strip() or www:
                message += f": {(detail.strip() or www)}"
            raise record.failure(ChorusAuthenticationError(
                scrub(message, self._secrets()) or message, operation=TOKEN_OPERATION,
                http_status=status, www_authenticate=www))
        raise record.failure(http_error(response, body, TOKEN_OPERATION, self._secrets()))

    # --- API calls ---------------------------------------------------------------------------

    def call(self, operation: str, body: dict[str, Any] | None = None, *, method: str = "POST",
             envelope: bool = True, accepted_codes: Collection[int] = ()) -> dict[str, Any]:
        """Call ``/cpro/<operation>`` and return the decoded answer.

        ``envelope``: the answer must carry ``codeRetour``; a non-zero one raises
        :class:`ChorusRejectedError` unless listed in ``accepted_codes``.

        Raises :class:`ChorusTransientError`, :class:`ChorusRejectedError`,
        :class:`ChorusAuthenticationError` or :class:`ChorusProtocolError`. A transient error
        with ``may_have_been_processed`` means the request left and no answer came back: for a
        write, check in Chorus Pro whether it took effect before sending it again.
        """
        for attempt in (1, 2):
            token = self.token(attempt=attempt)
            try:
                return self._send(operation, method, body, token, attempt, envelope,
                                  accepted_codes)
            except _BearerRefused as refused:
                if attempt == 2:
                    raise refused.error from None
                # Contract §10.4: on a 401 refresh the token once and retry once.
                self.invalidate_token(token)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(self, operation: str, method: str, body: dict[str, Any] | None, token: str,
              attempt: int, envelope: bool, accepted_codes: Collection[int]) -> dict[str, Any]:
        config = self.config
        url = f"{config.api_base_url}/cpro/{operation}"
        headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": self._account_header,
            "Accept": JSON_CONTENT_TYPE,
        }
        payload: bytes | None = None
        if method == "POST":
            # Contract §2 [C]: an empty body is sent as {}, never as nothing.
            payload = dumps(body if body is not None else {}).encode("utf-8")
            headers["Content-Type"] = JSON_CONTENT_TYPE
        record = _Recorder(self, operation, method, body if method == "POST" else None, attempt,
                           token)
        try:
            response = self._session.request(
                method, url, data=payload, headers=headers,
                timeout=(config.connect_timeout, config.read_timeout), allow_redirects=False)
        except requests.RequestException as exc:
            raise record.failure(transient_from_exception(exc, operation)) from None

        status = response.status_code
        parsed = json_or_none(response)
        record.answer(response, parsed)
        secrets = self._secrets(token)

        if status == 401:
            www = response.headers.get("WWW-Authenticate")
            technical = bool(www and _TECHNICAL_ACCOUNT_401.search(www))
            if technical:
                message = "the technical account (cpro-account) was refused"
            elif attempt == 1:
                message = "the bearer token was refused; fetching a new one and retrying once"
            else:
                message = "the API refused a freshly issued bearer token"
            if www:
                message += f": {www}"
            error = ChorusAuthenticationError(
                scrub(message, secrets) or message, operation=operation, http_status=401,
                www_authenticate=www, technical_account=technical)
            record.failure(error)
            if technical or attempt == 2:
                raise error
            raise _BearerRefused(error)

        if 200 <= status < 300 or (status == 400 and has_return_code(parsed)):
            if not envelope:
                record.success()
                return parsed if isinstance(parsed, dict) else {}
            if not isinstance(parsed, dict):
                raise record.failure(ChorusProtocolError(
                    f"expected a JSON object, got HTTP {status} with "
                    f"{'no body' if not response.content else 'a non-object body'}",
                    operation=operation, http_status=status))
            code = return_code(parsed, operation, status)
            # An accepted code inside a 400 still is not a success.
            if (code != 0 and code not in accepted_codes) or status == 400:
                libelle = str(parsed.get("libelle") or "")
                raise record.failure(ChorusRejectedError(
                    scrub(libelle, secrets) or "", code=code, operation=operation,
                    http_status=status))
            record.success()
            return parsed
        raise record.failure(http_error(response, parsed, operation, secrets))


class _Recorder:
    """Collects what is known about one exchange and reports it exactly once."""

    def __init__(self, transport: Transport, operation: str, method: str, request: Any,
                 attempt: int, token: str = "") -> None:
        self.transport = transport
        self.operation = operation
        self.method = method
        self.request = request
        # Created just before the request is sent: the exchange starts now.
        self.started_at = datetime.now(UTC)
        self.start = time.perf_counter()
        self.attempt = attempt
        self.token = token
        self.status: int | None = None
        self.body: Any = None

    def answer(self, response: requests.Response, parsed: Any) -> None:
        self.status = response.status_code
        self.body = parsed if parsed is not None else response.text

    def _report(self, error: ChorusError | None) -> None:
        secrets = self.transport._secrets(self.token)
        body = self.body if isinstance(self.body, dict) else None
        code = body.get("codeRetour") if body else None
        message = body.get("libelle") if body else resource_error_message(self.body)
        exchange = Exchange(
            operation=self.operation,
            method=self.method,
            started_at=self.started_at,
            duration_ms=round((time.perf_counter() - self.start) * 1000),
            http_status=self.status,
            return_code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            message=scrub(str(message), secrets) if message is not None else None,
            request_body=body_text(self.request, secrets),
            response_body=body_text(self.body, secrets),
            attempt=self.attempt,
            error_kind=error_kind(error),
            error=scrub(str(error), secrets) if error is not None else None,
        )
        report(self.transport.hook, exchange)

    def success(self) -> None:
        self._report(None)

    def failure[E: ChorusError](self, error: E) -> E:
        self._report(error)
        return error
