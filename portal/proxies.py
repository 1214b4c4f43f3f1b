"""Which address a request really comes from, when reverse proxies stand in front of the portal.

REMOTE_ADDR is the peer that opened the connection: behind a reverse proxy, the proxy itself, the
same for every user. X-Forwarded-For names the client, but anyone can send that header; it is
believed only when the peer is one of ``TRUSTED_PROXIES``.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

_untrusted_forwarders_warned: set[str] = set()


def client_address(request) -> str | None:
    """The client's address, or None when it cannot be known.

    1. The peer is not a trusted proxy: it is the client. Unless it forwards for someone while
       the portal is declared to run behind a proxy (``BEHIND_TLS_PROXY``): then it is a proxy
       missing from ``TRUSTED_PROXIES``, its address is everyone's, and the answer is None
       (logged once per proxy, for the operator).
    2. The peer is a trusted proxy: each proxy appends the address it was reached from, so walk
       X-Forwarded-For from the right past every trusted proxy; the first other address is the
       client's. A chain made only of trusted proxies started at the leftmost one.
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if not _is_trusted(peer):
        if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
            _warn_untrusted_forwarder(peer)
            return None
        return peer or None
    address = peer
    for hop in reversed(forwarded):
        if not _is_address(hop):
            # Garbage a trusted proxy would never write: not an address to count on.
            return None
        address = hop
        if not _is_trusted(hop):
            break
    return address


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_trusted(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


def _warn_untrusted_forwarder(peer: str) -> None:
    if peer in _untrusted_forwarders_warned:
        return
    _untrusted_forwarders_warned.add(peer)
    logger.warning(
        "A request from %s carries X-Forwarded-For but %s is not in TRUSTED_PROXIES: the "
        "client's address is unknown, so no limit is kept per address. Add the reverse proxy's "
        "address to TRUSTED_PROXIES.",
        peer,
        peer,
    )
