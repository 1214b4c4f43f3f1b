"""The one place a webhook leaves the portal: a POST with short timeouts, no redirect followed,
no proxy from the environment, a capped read of the answer, and (outside the embedded run) no
private, loopback or link-local address.

Errors are English sentences marked for translation (the delivery page shows them in the
reader's language). Never logs the headers (they carry the signature) nor the body.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.utils.translation import gettext_noop

EXCERPT_CHARS = 500


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    max_response_bytes: int = 4096
    allow_private_networks: bool = False


def address_refused(url: str, *, allow_private_networks: bool) -> str:
    """Why this URL may not be called ("" when it may): scheme, host, and every address the
    host resolves to. (A host could resolve differently a moment later; the portal's own
    network rules are the real fence, this keeps obvious mistakes and probes out.)"""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return gettext_noop("only http and https URLs are called")
    if allow_private_networks:
        return ""
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return gettext_noop("the host name does not resolve")
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            return gettext_noop("the host resolves to a non-public address")
    return ""


def post(url: str, body: bytes, headers: dict, *, limits: Limits) -> Answer:
    """POST once; every outcome is an Answer (nothing raised for network trouble)."""
    refused = address_refused(url, allow_private_networks=limits.allow_private_networks)
    if refused:
        return Answer(status_code=None, duration_ms=0, error=refused)
    started = time.monotonic()
    session = requests.Session()
    session.trust_env = False  # no proxy, netrc or CA bundle taken from the environment
    try:
        with session.post(
            url,
            data=body,
            headers={**headers, "User-Agent": "PortailChorus-Webhooks/1"},
            timeout=(limits.connect_timeout, limits.read_timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            raw = response.raw.read(limits.max_response_bytes, decode_content=True) or b""
            status = response.status_code
    except requests.Timeout:
        return Answer(None, _since(started), error=gettext_noop("no answer within the time limit"))
    except requests.ConnectionError:
        return Answer(None, _since(started), error=gettext_noop("connection refused or lost"))
    except requests.RequestException:
        return Answer(None, _since(started), error=gettext_noop("the request could not be made"))
    finally:
        session.close()
    excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
    return Answer(status_code=status, duration_ms=_since(started), excerpt=excerpt)


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
