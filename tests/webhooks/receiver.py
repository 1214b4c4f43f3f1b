"""A real HTTP server standing for an integrator's software: it records every request and
answers with the statuses a test scripts, then 200."""

import hashlib
import hmac
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
