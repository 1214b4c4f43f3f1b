"""HTTP front: routing, PISTE-like authentication, fault injection and the serve loop."""

import base64
import binascii
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from chorus_emulator import (
    admin,
    negotiation,
    ops_accounts,
    ops_attachments,
    ops_directory,
    ops_engagements,
    ops_organisations,
    ops_payment_requests,
    ops_recipient,
    ops_referentiels,
    ops_structures,
    ops_supplier,
    ops_transverses,
    ops_works,
    rest,
)
from chorus_emulator.app import Emulator
from chorus_emulator.faults import TOKEN_OPERATION
from chorus_emulator.operations import (
    OPERATIONS,
    RESOURCES,
    Context,
    RawResponse,
    ResourceRequest,
    find_resources,
)
from chorus_emulator.protocol import ApiError, dumps, loads

# Imported for their @operation registrations.
assert ops_recipient and ops_structures and ops_supplier and ops_transverses
assert ops_accounts and ops_attachments and ops_directory and ops_payment_requests
assert ops_referentiels and ops_organisations and ops_engagements and ops_works

log = logging.getLogger("chorus_emulator")

HEALTH_CHECK = "transverses/v1/health-check"
MAX_BODY_BYTES = 200 * 1024 * 1024
# contract-works-and-new-apis §2.4: the API that config.structures_api_off switches off.
STRUCTURES_API = "structures/v1/"

# contract §1.3 [S]: the exact header PISTE sends for a wrong cpro-account (OCA PR #425).
BAD_ACCOUNT_HEADER = ('Bearer realm="PISTE",error="Unauthorized",'
                      'error_description="login or password incorrects"')
# contract §1.3 [U]: the technical password's expiry also gives 401 (annexe §1.7); the wording
# is ours, in the same header so a client that reads WWW-Authenticate can tell the two apart.
ACCOUNT_EXPIRED_HEADER = (
    'Bearer realm="PISTE",error="Unauthorized",'
    'error_description="technical account password expired"')
# contract §1.3/§13 [U]: the body and header of a missing, unknown or expired bearer are not
# documented; we answer like RFC 6750 (invalid_token) with the same JSON keys as the token
# endpoint's errors.
BAD_TOKEN_DESCRIPTIONS = {
    "missing": "Bearer token missing",
    "unknown": "Invalid access token",
    "expired": "Access token expired",
}


def _bad_token(reason: str) -> ApiError:
    description = BAD_TOKEN_DESCRIPTIONS[reason]
    header = f'Bearer realm="PISTE",error="invalid_token",error_description="{description}"'
    return ApiError(401, {"error": "invalid_token", "error_description": description},
                    {"WWW-Authenticate": header})


def _bad_account(header: str = BAD_ACCOUNT_HEADER) -> ApiError:
    return ApiError(401, {"error": "Unauthorized",
                          "error_description": header.split('error_description="')[1][:-1]},
                    {"WWW-Authenticate": header})


def bare_single_lists(payload):
    """Turn every one-element ``liste*`` array into its only object, as the real API sometimes
    does (contract §2, §11.10)."""
    if isinstance(payload, dict):
        return {key: (bare_single_lists(value[0])
                      if key.startswith("liste") and isinstance(value, list) and len(value) == 1
                      else bare_single_lists(value))
                for key, value in payload.items()}
    if isinstance(payload, list):
        return [bare_single_lists(item) for item in payload]
    return payload


def decode_account(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    try:
        login, _, password = base64.b64decode(value.strip(), validate=True).decode(
            "utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (login, password) if login else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second one waits for the
    # client's delayed ACK, about 40 ms per answer on a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "ChorusProEmulator/1.0"

    @property
    def app(self) -> Emulator:
        return self.server.app

    def log_message(self, format, *args):
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    # plumbing -----------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ApiError(413, {"codeRetour": 413, "libelle": "Requête trop volumineuse."})
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload, headers: dict | None = None) -> None:
        """Answer ``payload`` as JSON; None answers no body at all (204, the REST health
        checks)."""
        body = b"" if payload is None else dumps(payload)
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection without a byte of answer: the client cannot know whether its
        request was executed (drop_after_commit)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            raw = self._read_body()
            if url.path.startswith("/_emulator/"):
                status, payload = admin.handle(self.app, method, url.path,
                                               parse_qs(url.query), raw)
                self._send(status, payload)
            elif url.path == "/api/oauth/token":
                self._token(method, raw)
            elif url.path.startswith("/cpro/"):
                self._api(method, url.path[len("/cpro/"):].strip("/"), raw, url.query)
            else:
                self._send(404, {"codeRetour": 404, "libelle": "Ressource inconnue."})
        except ApiError as error:
            self._send(error.status, error.body, error.headers)
        except Exception:
            log.error("unexpected error on %s %s\n%s", method, url.path, traceback.format_exc())
            self._send(500, {"codeRetour": 500, "libelle": "Erreur interne du serveur."})

    # faults -------------------------------------------------------------------------------
    def _apply_faults(self, operation: str, *, resource: bool = False) -> bool:
        """Sleep for latency faults, answer for terminal ones; True means drop after commit."""
        if self.app.config.latency_ms:
            time.sleep(self.app.config.latency_ms / 1000)
        faults = self.app.faults.take(operation)
        for fault in faults:
            if fault.kind == "latency":
                time.sleep(fault.delay_ms / 1000)
        for fault in faults:
            if fault.kind == "http_error":
                raise ApiError(fault.status, {"codeRetour": fault.status,
                                              "libelle": "Erreur technique simulée."})
            if fault.kind == "rate_limit":
                # contract §8.2 [U]: PISTE's 429 is undocumented; Retry-After in seconds.
                raise ApiError(429, {"codeRetour": 429, "libelle": "Trop de requêtes : quota "
                                     "dépassé, réessayez plus tard."},
                               {"Retry-After": str(fault.retry_after)})
            if fault.kind == "expired_token":
                raise _bad_token("expired")
            if fault.kind == "account_unauthorized":
                raise _bad_account()
            if fault.kind == "business_error":
                if resource:
                    # The REST APIs have no codeRetour: a refusal is a 400 with their body.
                    raise rest.RestError(400, rest.BUSINESS_RULE, fault.libelle,
                                         str(fault.code_retour))
                raise ApiError(200, {"codeRetour": fault.code_retour, "libelle": fault.libelle})
        return any(fault.kind == "drop_after_commit" for fault in faults)

    # OAuth --------------------------------------------------------------------------------
    def _token(self, method: str, raw: bytes) -> None:
        self.app.calls.record(TOKEN_OPERATION, None)
        drop = self._apply_faults(TOKEN_OPERATION)
        if method != "POST":
            raise ApiError(405, {"error": "invalid_request",
                                 "error_description": "POST required"})
        form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic ") and not client_id:
            # RFC 6749 §2.3.1: client credentials may also come as HTTP Basic.
            decoded = decode_account(basic[6:])
            if decoded:
                client_id, secret = decoded
        grant = form.get("grant_type")
        # contract §1.2 [U]: RFC 6749 §5.2 statuses and error codes.
        if not grant:
            raise ApiError(400, {"error": "invalid_request",
                                 "error_description": "grant_type is missing"})
        if grant != "client_credentials":
            raise ApiError(400, {"error": "unsupported_grant_type",
                                 "error_description": f"grant_type {grant} is not supported"})
        if not client_id or self.app.world.clients.get(client_id) != secret:
            raise ApiError(401, {"error": "invalid_client",
                                 "error_description": "Client authentication failed"},
                           {"WWW-Authenticate": 'Basic realm="PISTE"'})
        token = self.app.issue_token(client_id)
        payload = {"access_token": token, "token_type": "Bearer",
                   "expires_in": self.app.config.token_ttl, "scope": "openid"}
        if drop:
            return self._drop()
        self._send(200, payload, {"Cache-Control": "no-store"})

    # API ----------------------------------------------------------------------------------
    def _api(self, method: str, operation: str, raw: bytes, query: str = "") -> None:
        credentials = decode_account(self.headers.get("cpro-account"))
        self.app.calls.record(operation, credentials[0] if credentials else None)
        if operation.split("/", 1)[0] in self.app.config.unsubscribed_apis:
            # The gateway refuses an API the application is not subscribed to (see Config), with
            # its own keys, as for an unknown path below [U].
            raise ApiError(403, {"error": "Forbidden", "error_description":
                                 f"Application non abonnée à l'API : /cpro/{operation}"})
        handler = OPERATIONS.get(operation)
        if self.app.config.structures_api_off and operation.startswith(STRUCTURES_API):
            handler = None  # decommissioned: the gateway no longer knows its paths
        if handler is None and _is_resource_api(operation):
            return self._resource(method, operation, raw, query, credentials)
        drop = self._apply_faults(operation)
        if handler is None:
            # Annexe v6.1 §1.7: 403 "Ressource non trouvée (URL erronée)". The gateway answers
            # before Chorus Pro, so the body has the gateway's keys, not codeRetour [U].
            raise ApiError(403, {"error": "Forbidden",
                                 "error_description": f"Ressource non trouvée : /cpro/{operation}"})
        expected = "GET" if operation == HEALTH_CHECK else "POST"
        if method != expected:
            raise ApiError(405, {"codeRetour": 405, "libelle": f"Méthode {method} non "
                                                               f"autorisée ; {expected} attendu."})
        self._check_bearer()
        negotiation.check(self.headers)
        account = None
        if operation != HEALTH_CHECK:
            content_type = self.headers.get("Content-Type", "")
            if not negotiation.is_json(content_type):
                # Annexe §1.7 and contract §1.3: a missing or wrong Content-Type gives 415.
                raise ApiError(415, {"error": "Unsupported Media Type", "error_description":
                                     "Content-Type application/json;charset=utf-8 attendu."})
            account = self._check_account(credentials)
        body = loads(raw) if operation != HEALTH_CHECK else {}
        context = Context(app=self.app, account=account)
        try:
            with self.app.store.transaction():
                result = handler(context, body)
        finally:
            if self.app.clock.mode != "manual":
                self.app.process_due()
        if drop:
            return self._drop()
        if isinstance(result, RawResponse):
            return self._send(result.status, result.body, result.headers)
        self._send(200, bare_single_lists(result) if self.app.config.bare_single_lists
                   else result)

    def _resource(self, method: str, operation: str, raw: bytes, query: str,
                  credentials) -> None:
        """A resource of the new REST APIs (Référentiel des Organisations, Engagements): same
        gateway checks as the legacy operations, but answers and errors in their own style
        (contract-works-and-new-apis §2.0)."""
        drop = self._apply_faults(operation, resource=True)
        matches = find_resources(operation)
        if not matches:
            raise rest.RestError(404, rest.UNKNOWN_RESOURCE,
                                 f"Ressource inconnue : /cpro/{operation}")
        chosen = next(((route, params) for route, params in matches if route.method == method),
                      None)
        if chosen is None:
            allowed = ", ".join(sorted({route.method for route, _ in matches}))
            raise rest.RestError(405, rest.METHOD_NOT_ALLOWED,
                                 f"Méthode {method} non autorisée ; {allowed} attendu.")
        route, params = chosen
        self._check_bearer()
        try:
            account = self._check_account(credentials)
        except ApiError as refused:
            # §2.0 [S: ZMOG-RO]: these APIs answer a wrong cpro-account with their own body;
            # [U] the WWW-Authenticate header is the legacy one.
            raise ApiError(401, rest.BAD_ACCOUNT_BODY, refused.headers) from None
        body = {}
        if method in ("POST", "PUT", "PATCH") and raw.strip():
            if "application/json" not in self.headers.get("Content-Type", "").lower():
                raise rest.RestError(415, rest.UNSUPPORTED_MEDIA_TYPE,
                                     "Content-Type application/json attendu.")
            try:
                body = loads(raw)
            except ApiError as malformed:
                raise rest.RestError(400, rest.INVALID_BODY,
                                     malformed.body["libelle"]) from None
        request = ResourceRequest(
            params={name: unquote(value) for name, value in params.items()}, body=body,
            query={name: values[0] for name, values in parse_qs(query).items()})
        context = Context(app=self.app, account=account)
        try:
            with self.app.store.transaction():
                result = route.handler(context, request)
        finally:
            if self.app.clock.mode != "manual":
                self.app.process_due()
        if drop:
            return self._drop()
        if isinstance(result, RawResponse):
            return self._send(result.status, result.body, result.headers)
        self._send(200, result)

    def _check_bearer(self) -> None:
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            raise _bad_token("missing")
        state = self.app.token_state(header[7:].strip())
        if state != "valid":
            raise _bad_token(state)

    def _check_account(self, credentials):
        account = self.app.world.accounts.get(credentials[0]) if credentials else None
        if account is None or account.password != credentials[1]:
            raise _bad_account()
        if account.password_expires_at.timestamp() <= self.app.clock.now():
            raise _bad_account(ACCOUNT_EXPIRED_HEADER)
        return account


def _is_resource_api(operation: str) -> bool:
    """True for a path under the base of a REST API (``organisations/v1/...``)."""
    base = operation.split("/")[:2]
    return any(route.pattern.split("/")[:2] == base for route in RESOURCES)


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, app: Emulator):
        super().__init__(address, Handler)
        self.app = app


def _ticker(app: Emulator, stop: threading.Event) -> None:
    interval = min(max(app.clock.step_seconds / 5, 0.05), 0.5)
    while not stop.wait(interval):
        try:
            app.process_due()
        except Exception:
            log.error("clock step failed\n%s", traceback.format_exc())


def serve(app: Emulator, host: str = "127.0.0.1", port: int = 8090) -> None:
    server = EmulatorHTTPServer((host, port), app)
    stop = threading.Event()

    def shutdown(signum, frame):
        stop.set()
        threading.Thread(target=server.shutdown, daemon=True).start()
        # Seen once under CI: the process outlived its stop signals. A stop must stop.
        watchdog = threading.Timer(10, os._exit, args=(0,))
        watchdog.daemon = True
        watchdog.start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    if app.clock.mode == "realtime":
        threading.Thread(target=_ticker, args=(app, stop), daemon=True).start()
    actual_host, actual_port = server.server_address[:2]
    print(f"Chorus Pro emulator listening on http://{actual_host}:{actual_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
        app.store.close()
        print("Chorus Pro emulator stopped", file=sys.stderr, flush=True)
