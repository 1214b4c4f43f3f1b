"""HTTP for the resource-style APIs (Référentiel des Organisations, Engagements).

Same PISTE token, ``cpro-account`` header, timeouts, single retry after a refused token and
exchange reports as :class:`~chorus_client.transport.Transport`, but the other conventions of
these APIs (contract-works-and-new-apis §2.0 [S: ZMOG-RO]):

1. ids travel in the path (``GET .../structures/{uuid_identifiant}``), searches are ``POST
   .../recherche``, updates ``PATCH``/``PUT``; a JSON body only when there is one;
2. answers are bare objects or arrays, without ``codeRetour``; 204 and some 200 have no body;
3. refusals are HTTP statuses with ``[{error, message, detail}]``: a :class:`ChorusRejectedError`
   with ``reason`` = ``error`` (a 403 with that body too: the account may not change that
   object); a wrong ``cpro-account`` is a 401 with ``{"ErrorCode": "401", "Description": ...}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests

from .errors import ChorusAuthenticationError, ChorusProtocolError, ChorusRejectedError
from .exchange import scrub
from .failures import http_error, json_or_none, transient_from_exception
from .transport import (
    _TECHNICAL_ACCOUNT_401,
    JSON_CONTENT_TYPE,
    Transport,
    _BearerRefused,
    _Recorder,
)
from .wire import dumps


def path(*segments: str | int) -> str:
    """Join path segments, escaping each (a SIRET, a uuid, a commitment number with a slash)."""
    return "/".join(quote(str(segment), safe="") for segment in segments)


def call(transport: Transport, method: str, operation: str, body: Any = None, *,
         params: dict[str, str] | None = None, empty: bool = False) -> Any:
    """``method /cpro/<operation>``; the decoded answer, or None when ``empty`` allows no body.

    Raises the client's error kinds; the exchange is reported under ``operation`` (the concrete
    path, ids included).
    """
    for attempt in (1, 2):
        token = transport.token(attempt=attempt)
        try:
            return _send(transport, method, operation, body, params, token, attempt, empty)
        except _BearerRefused as refused:
            if attempt == 2:
                raise refused.error from None
            transport.invalidate_token(token)
    raise AssertionError("unreachable")  # pragma: no cover


def _rest_errors(parsed: Any) -> list[dict[str, Any]] | None:
    if isinstance(parsed, list) and parsed and all(
            isinstance(item, dict) and "error" in item for item in parsed):
        return parsed
    return None


def _send(transport: Transport, method: str, operation: str, body: Any,
          params: dict[str, str] | None, token: str, attempt: int, empty: bool) -> Any:
    config = transport.config
    headers = {"Authorization": f"Bearer {token}",
               "cpro-account": transport._account_header, "Accept": "application/json"}
    payload = None
    if body is not None:
        payload = dumps(body).encode("utf-8")
        headers["Content-Type"] = JSON_CONTENT_TYPE
    record = _Recorder(transport, operation, method, body, attempt, token)
    try:
        response = transport._session.request(
            method, f"{config.api_base_url}/cpro/{operation}", data=payload, headers=headers,
            params=params, timeout=(config.connect_timeout, config.read_timeout),
            allow_redirects=False)
    except requests.RequestException as exc:
        raise record.failure(transient_from_exception(exc, operation)) from None

    status = response.status_code
    parsed = json_or_none(response)
    record.answer(response, parsed)
    secrets = transport._secrets(token)

    if status == 401:
        www = response.headers.get("WWW-Authenticate")
        # §2.0 [S]: the account refusal of these APIs is told by its body; the header too when
        # PISTE adds its legacy one.
        technical = (isinstance(parsed, dict) and "ErrorCode" in parsed) or bool(
            www and _TECHNICAL_ACCOUNT_401.search(www))
        message = ("the technical account (cpro-account) was refused" if technical
                   else "the bearer token was refused")
        if isinstance(parsed, dict) and parsed.get("Description"):
            message += f": {parsed['Description']}"
        elif www:
            message += f": {www}"
        error = ChorusAuthenticationError(scrub(message, secrets) or message,
                                          operation=operation, http_status=401,
                                          www_authenticate=www, technical_account=technical)
        record.failure(error)
        if technical or attempt == 2:
            raise error
        raise _BearerRefused(error)

    if 200 <= status < 300:
        if parsed is None and response.content:
            raise record.failure(ChorusProtocolError(
                f"expected JSON, got HTTP {status} with a non-JSON body", operation=operation,
                http_status=status))
        if parsed is None and not empty:
            raise record.failure(ChorusProtocolError(
                f"expected a JSON answer, got HTTP {status} without a body",
                operation=operation, http_status=status))
        record.success()
        return parsed

    errors = _rest_errors(parsed)
    if errors is not None and 400 <= status < 500 and status != 429:
        first = errors[0]
        message = scrub(str(first.get("message") or first.get("error")), secrets) or ""
        detail = first.get("detail")
        raise record.failure(ChorusRejectedError(
            message, code=None, operation=operation, http_status=status,
            reason=str(first.get("error")),
            detail=scrub(str(detail), secrets) if detail is not None else None))
    raise record.failure(http_error(response, parsed, operation, secrets))
