"""POST /api/v1/oauth/token: OAuth2 client credentials (RFC 6749 §4.4). Errors carry both
OAuth2's fields (``error``, ``error_description``) and the API's ``errors``."""

import base64
import binascii
import time

from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from api.endpoint import record_call
from api.http import json_response
from api.keys import KeyRefused
from api.oauth import access_token_issue

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, code: str, description: str, headers=None):
    return json_response(
        {"error": code, "error_description": description, "errors": {"base": [description]}},
        status,
        {**NO_STORE, **(headers or {})},
    )


def _client_credentials(request) -> tuple[str, str]:
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@require_POST
def token(request):
    started = time.monotonic()
    response, api_key = _token_response(request)
    record_call(request, api_key, response.status_code, started, "")
    return response


def _token_response(request):
    if request.content_type not in FORM_TYPES:
        return _oauth_error(400, "invalid_request", "Send application/x-www-form-urlencoded."), None
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error(
            400, "unsupported_grant_type", "Only grant_type=client_credentials is offered."
        ), None
    client_id, client_secret = _client_credentials(request)
    if not client_id or not client_secret:
        return _oauth_error(400, "invalid_request", "Give client_id and client_secret."), None
    try:
        issued = access_token_issue(client_id=client_id, client_secret=client_secret)
    except KeyRefused as refused:
        return _oauth_error(
            401,
            "invalid_client",
            f"The client credentials are refused ({refused.reason}).",
            {"WWW-Authenticate": "Basic"},
        ), None
    body = {
        "access_token": issued.token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": issued.scope,
    }
    return json_response(body, 200, NO_STORE), None
