"""HTTP front: routing, HTTP Basic authentication, quotas, faults, content types, the serve loop.

Steps of one API request:

1. find the route (the doc's ``METHOD /path``); none: 404, whoever asks;
2. count the call, then apply injected faults (latency, 5xx, 429, dropped answer);
3. authenticate (HTTP Basic: API identifier and key): 401 otherwise;
4. count it against the account's quotas: 429 ``Retry later`` past 600 / 5 min or 10,000 / day;
5. check the firm belongs to the account (404 otherwise) and the body's Content-Type (501, as
   the doc warns, when a JSON body is not declared ``application/json``);
6. run the handler in one transaction and answer, with ``X-RateLimit-*`` on every answer.
"""

import base64
import binascii
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from facturation_pro_emulator import admin, api_assets, api_customers, api_invoices, api_settlements
from facturation_pro_emulator.app import Emulator
from facturation_pro_emulator.protocol import ApiError, Request, Response, dumps, resolve

assert api_assets and api_customers and api_invoices and api_settlements  # route registrations

log = logging.getLogger("facturation_pro_emulator")
MAX_BODY_BYTES = 25 * 1024 * 1024
UPLOADS = ("/upload.json",)
# [U] the doc does not show a 401: Rails' HTTP Basic challenge, with the usual errors body.
UNAUTHORIZED = ApiError(401, {"base": ["Identifiant ou clé API invalide"]}, "Unauthorized")


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    api_id, colon, key = decoded.partition(":")
    return (api_id, key) if colon else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in two writes; no 40 ms stall
    server_version = "FacturationProEmulator/1.0"

    @property
    def app(self) -> Emulator:
        return self.server.app

    def log_message(self, format, *args):
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    # answers ------------------------------------------------------------------------------
    def _send(self, response: Response, extra: dict | None = None) -> None:
        if response.content is not None:
            body = response.content
        elif response.body is None:
            body = b""
        else:
            body = dumps(response.body)
        self.send_response(response.status, response.reason)
        if body:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**response.headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, error: ApiError, extra: dict | None = None) -> None:
        headers = {"WWW-Authenticate": 'Basic realm="Application"'} if error.status == 401 else {}
        self._send(Response(error.status, {"errors": error.errors}, reason=error.reason,
                            headers=headers), extra)

    def _drop(self) -> None:
        """Close without a byte of answer: the client cannot tell whether it was recorded."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # dispatch -----------------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise ApiError(413, {"base": ["Requête trop volumineuse"]})
            raw = self.rfile.read(length) if length else b""
            query = {key: values[0] for key, values in
                     parse_qs(url.query, keep_blank_values=True).items()}
            if url.path.startswith("/_emulator/"):
                status, payload = admin.handle(self.app, method, url.path, query, raw)
                return self._send(Response(status, payload))
            self._api(method, url.path, query, raw)
        except ApiError as error:
            self._error(error)
        except Exception:
            log.error("unexpected error on %s %s\n%s", method, url.path, traceback.format_exc())
            self._error(ApiError(500, {"base": ["Erreur interne"]}))

    def _api(self, method: str, path: str, query: dict, raw: bytes) -> None:
        route, ids = resolve(method, path)
        if route is None:
            raise ApiError(404, {"base": [f"No route matches [{method}] {path}"]}, "Not Found")
        credentials = basic_credentials(self.headers.get("Authorization"))
        account = self.app.world.accounts.get(credentials[0]) if credentials else None
        if account is not None and account["api_key"] != credentials[1]:
            account = None
        agent = self.headers.get("X-User-Agent") or self.headers.get("User-Agent")
        self.app.calls.record(route.operation, account and account["api_id"], agent)
        drop, early = self._apply_faults(route.operation)
        if early is not None:
            return self._send(early)
        if account is None:
            raise UNAUTHORIZED
        decision = self.app.limits.hit(account["api_id"])
        quota = decision.headers()
        if not decision.allowed:
            # "vous receverez un code d'erreur 429, avec un message "Retry later" dans le corps"
            return self._send(Response(429, content=b"Retry later\n", reason="Too Many Requests",
                                       content_type="text/plain; charset=utf-8"), quota)
        try:
            request = self._request(route, method, ids, account, query, raw)
            with self.app.store.transaction():
                response = route.handler(request)
        except ApiError as error:
            return self._error(error, quota)
        if drop:
            return self._drop()
        self._send(response, quota)

    def _request(self, route, method, ids, account, query, raw) -> Request:
        if route.template.startswith("/firms/") and self.app.world.account_firm(
                account, ids[0]) is None:
            raise ApiError(404, {"base": ["The record could not be found"]},
                           "The record could not be found")
        content_type = self.headers.get("Content-Type", "")
        body = None
        if method in ("POST", "PATCH") and raw.strip() and not route.template.endswith(UPLOADS):
            if "application/json" not in content_type.lower():
                # "Si vous obtenez une erreur 501 lorsque vous créez ou modifiez un
                # enregistrement, vérifiez que vous avez bien transmis [...] le bon Content-Type"
                raise ApiError(501, {"base": ["Content-Type application/json attendu"]},
                               "Not Implemented")
            try:
                body = json.loads(raw.decode("utf-8"), parse_float=Decimal)
            except (UnicodeDecodeError, ValueError):
                raise ApiError(400, {"base": ["JSON invalide"]}, "Bad Request") from None
            if not isinstance(body, dict):
                raise ApiError(400, {"base": ["un objet JSON est attendu"]}, "Bad Request")
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return Request(app=self.app, method=method, operation=route.operation, account=account,
                       ids=ids, query=query, body=body, raw=raw, content_type=content_type,
                       base_url=f"http://{host}")

    def _apply_faults(self, operation: str) -> tuple[bool, Response | None]:
        """Sleep for latencies, raise a 5xx, answer a 429; (drop after commit?, early answer)."""
        faults = self.app.faults.take(operation)
        for fault in faults:
            if fault.kind == "latency":
                time.sleep(fault.delay_ms / 1000)
        for fault in faults:
            if fault.kind == "http_error":
                raise ApiError(fault.status, {"base": ["Erreur simulée par l'émulateur"]})
            if fault.kind == "rate_limit":
                return False, Response(
                    429, content=b"Retry later\n", reason="Too Many Requests",
                    content_type="text/plain; charset=utf-8",
                    headers={"Retry-After": str(fault.retry_after),
                             "X-RateLimit-Limit": str(self.app.limits.per_window),
                             "X-RateLimit-Remaining": "0"})
        return any(fault.kind == "drop_after_commit" for fault in faults), None


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, app: Emulator):
        super().__init__(address, Handler)
        self.app = app


def serve(app: Emulator, host: str = "127.0.0.1", port: int = 8091) -> None:
    server = EmulatorHTTPServer((host, port), app)

    def shutdown(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
        watchdog = threading.Timer(10, os._exit, args=(0,))  # a stop must stop
        watchdog.daemon = True
        watchdog.start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    actual_host, actual_port = server.server_address[:2]
    print(f"Facturation.pro emulator listening on http://{actual_host}:{actual_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        app.store.close()
        print("Facturation.pro emulator stopped", file=sys.stderr, flush=True)
