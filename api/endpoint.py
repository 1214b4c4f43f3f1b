"""The one door of every API view: key, scope, rate limit, errors as JSON, the call recorded.

`api_endpoint` wraps a view taking ``(request, ...)`` where ``request.api_key`` and
``request.space`` (the key's space, as a membership would give it: portal/spaces.py) are set:
1. the key from ``Authorization: Bearer <key>`` (or HTTP Basic with the key as password, or
   an OAuth2 access token standing for a key: api/oauth.py); missing, unknown, revoked or
   expired: 401;
2. the method must be one the view declares (405), the key's scope must allow it (403);
3. one request counted against the key's limits (429 with Retry-After past them);
4. the view runs in a transaction, in English unless Accept-Language asks for French: an
   ApiError or any exception rolls back what it did;
   an unexpected exception is logged with an id and answered 500 with that id, no trace;
5. every call is recorded (key, method, path, status, duration).
"""

import base64
import binascii
import logging
import time
import uuid
from functools import wraps

from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from api.http import ApiError, error, error_response, json_response
from api.keys import KeyRefused, api_key_authenticate, scope_allows
from api.models import ApiCall, ApiKey
from api.oauth import ACCESS_TOKEN_PREFIX, access_token_authenticate
from api.rate_limits import rate_limit_take
from portal.spaces import Space
from structures.models import Membership

logger = logging.getLogger("api")

KEY_REFUSALS = {
    "missing": "Give your API key: Authorization: Bearer <key>.",
    "unknown": "This API key is not known.",
    "revoked": "This API key was revoked by a manager of the structure.",
    "expired": "This API key has expired.",
}
SAFE_METHODS = {"GET", "HEAD"}


def key_space(api_key: ApiKey) -> Space:
    """The space a key acts in: its structure, in its role, as a member's would be. The
    membership is never saved: the selectors only read its structure and role."""
    return Space(membership=Membership(structure=api_key.structure, role=api_key.role))


def _secret(request) -> str:
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() == "bearer":
        return value.strip()
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "invalid"
        return decoded.partition(":")[2]
    return ""


def _authenticated(request) -> ApiKey:
    secret = _secret(request)
    if not secret:
        raise ApiError(401, {"base": [KEY_REFUSALS["missing"]]}, {"WWW-Authenticate": "Bearer"})
    try:
        if secret.startswith(ACCESS_TOKEN_PREFIX):
            return access_token_authenticate(token=secret)
        return api_key_authenticate(secret=secret)
    except KeyRefused as refused:
        raise ApiError(
            401, {"base": [KEY_REFUSALS[refused.reason]]}, {"WWW-Authenticate": "Bearer"}
        ) from None


def api_endpoint(*, methods: dict[str, str]):
    """``methods``: each HTTP method the view answers, with the scope it needs."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            started = time.monotonic()
            api_key, rate_headers, error_id = None, {}, ""
            try:
                api_key = _authenticated(request)
                if request.method not in methods:
                    raise ApiError(
                        405,
                        {"base": [f"{request.method} is not allowed here."]},
                        {"Allow": ", ".join(methods)},
                    )
                if not scope_allows(api_key=api_key, needed=methods[request.method]):
                    raise error(403, f"This key's scope does not allow {request.method} here.")
                rate = rate_limit_take(api_key=api_key)
                rate_headers = rate.headers()
                if not rate.allowed:
                    raise ApiError(429, {"base": ["Retry later."]})
                request.api_key = api_key
                request.space = key_space(api_key)
                with transaction.atomic(), translation.override(_language(request)):
                    response = view(request, *args, **kwargs)
            except ApiError as api_error:
                response = error_response(api_error)
            except Http404:
                response = error_response(error(404, "The record could not be found."))
            except (RequestDataTooBig, TooManyFilesSent):
                response = error_response(error(413, "The request is too large."))
            except Exception:
                error_id = uuid.uuid4().hex
                logger.exception("API error %s on %s %s", error_id, request.method, request.path)
                response = json_response(
                    {
                        "errors": {"base": ["Internal error; quote this id to support."]},
                        "error_id": error_id,
                    },
                    500,
                )
            for name, value in rate_headers.items():
                response[name] = value
            record_call(request, api_key, response.status_code, started, error_id)
            return response

        return wrapped

    return decorator


def _language(request) -> str:
    """English unless the caller asks otherwise with Accept-Language (the portal's own rules
    then answer in French): software reads the API's messages, people read the portal's."""
    if "Accept-Language" not in request.headers:
        return "en"
    return translation.get_language_from_request(request)


def record_call(request, api_key, status: int, started: float, error_id: str) -> None:
    try:
        ApiCall.objects.create(
            api_key=api_key,
            method=request.method[:8],
            path=request.path[:300],
            status=status,
            duration_ms=int((time.monotonic() - started) * 1000),
            at=timezone.now(),
            error_id=error_id,
        )
    except Exception:
        # The record must never turn an answer into an error.
        logger.exception("API call not recorded")
