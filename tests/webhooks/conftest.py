"""A real HTTP server standing for an integrator's software, and a structure with a manager."""

import hashlib
import hmac
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from structures.models import Membership
from webhooks.models import EventType
from webhooks.services import endpoint_create

ROLE = Membership.Role


class Receiver:
    """Records every request; answers with the scripted statuses, then 200."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: deque[tuple[int, bytes, dict]] = deque()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None, times=1):
        for _ in range(times):
            self.script.append((status, body, headers or {}))

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status, answer, headers = (
                        receiver.script.popleft() if receiver.script else (200, b"ok", {})
                    )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        return Handler

    def verified(self, request: dict, secret: str) -> dict:
        """Check a request as docs/webhooks.md tells integrators to; returns the event."""
        headers = {name.lower(): value for name, value in request["headers"].items()}
        timestamp = headers["x-webhook-timestamp"]
        expected = hmac.new(
            secret.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(headers["x-webhook-signature"], f"v1={expected}")
        event = json.loads(request["body"])
        assert headers["x-webhook-id"] == event["id"]
        assert headers["x-webhook-event"] == event["type"]
        return event


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def world(make_structure, make_user):
    from structures.models import Structure

    supplier = make_structure(name="Atelier Numérique SAS")
    other = make_structure(name="Bureau Fournitures")
    recipient = make_structure(name="Commune de Villeneuve", kind=Structure.Kind.PUBLIC)
    return {
        "supplier": supplier,
        "other": other,
        "recipient": recipient,
        "manager": make_user((supplier, ROLE.SUPPLIER_AGENT), (supplier, ROLE.STRUCTURE_MANAGER)),
        "agent": make_user((supplier, ROLE.SUPPLIER_AGENT)),
        "other_manager": make_user((other, ROLE.STRUCTURE_MANAGER)),
        "recipient_manager": make_user(
            (recipient, ROLE.RECIPIENT_AGENT), (recipient, ROLE.STRUCTURE_MANAGER)
        ),
    }


@pytest.fixture
def endpoint_for(world):
    def make(structure, url, events=None, user=None):
        return endpoint_create(
            structure=structure,
            user=user,
            url=url,
            description="",
            events=list(events or EventType.values),
        )

    return make
