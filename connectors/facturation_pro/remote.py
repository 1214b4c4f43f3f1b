"""The one place the portal builds a Facturation.pro client, and how its errors read in the
portal. Every call to Facturation.pro runs in a worker; exchanges are logged without secrets
(the client scrubs the key)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext_noop

from connectors.facturation_pro.models import FproConnection
from facturation_pro_client import (
    Exchange,
    FacturationProAuthenticationError,
    FacturationProClient,
    FacturationProConfig,
    FacturationProError,
    FacturationProNotFoundError,
    FacturationProTransientError,
)

logger = logging.getLogger(__name__)

# Facturation.pro's own quotas (600 requests / 5 minutes); when it answers 429 without saying how
# long to wait, a worker waits this long.
DEFAULT_RETRY_SECONDS = 60

# Why a call failed, as the page says it (English msgids, translated when shown). Variable parts
# (seconds to wait, the server's words) go in a separate detail.
OUTCOME_MESSAGES = {
    "ok": gettext_noop("Facturation.pro accepted the account."),
    "wrong_key": gettext_noop(
        "Facturation.pro refused the API identifier or key: copy them again from Facturation.pro "
        "(Mon compte › Mon profil › API) and save."
    ),
    "unknown_firm": gettext_noop(
        "This account holds no firm with this FIRM_ID: choose one of the firms listed below."
    ),
    "unreachable": gettext_noop(
        "Facturation.pro cannot be reached at the moment: the portal will try again; test again "
        "in a few minutes."
    ),
    "rate_limited": gettext_noop(
        "Facturation.pro asks the portal to slow down (too many requests on this account): test "
        "again once the indicated delay has passed."
    ),
    "unexpected": gettext_noop(
        "Facturation.pro gave an unexpected answer: try again later, or contact support."
    ),
}


def _log_exchange(exchange: Exchange) -> None:
    logger.info(
        "facturation.pro %s %s -> %s in %s ms%s",
        exchange.method,
        exchange.path,
        exchange.http_status,
        exchange.duration_ms,
        f" ({exchange.error_kind})" if exchange.error_kind else "",
    )


def fpro_client_for(
    connection: FproConnection, *, api_key: str | None = None, firm: bool = True
) -> FacturationProClient:
    """A client for the connection's account (and firm unless ``firm`` is false)."""
    config = FacturationProConfig(
        api_id=connection.api_id,
        api_key=api_key or connection.api_key(),
        firm_id=connection.firm_id if firm else None,
        user_agent=settings.FACTURATION_PRO_USER_AGENT,
        base_url=settings.FACTURATION_PRO_URL,
    )
    return FacturationProClient(config, hook=_log_exchange)


def error_outcome(error: FacturationProError) -> tuple[str, str]:
    """(outcome code, detail) of a failed call, for the page."""
    if isinstance(error, FacturationProAuthenticationError):
        return "wrong_key", ""
    if isinstance(error, FacturationProNotFoundError):
        return "unknown_firm", ""
    if isinstance(error, FacturationProTransientError):
        if error.reason == "rate_limited":
            return "rate_limited", str(int(error.retry_after or DEFAULT_RETRY_SECONDS))
        return "unreachable", error.reason
    return "unexpected", str(error)[:300]


def retry_delay(error: FacturationProTransientError, attempt: int) -> float:
    """How long a worker waits before trying again: what a 429 asked (Retry-After), else a
    backoff from 10 s to 10 minutes."""
    if error.retry_after:
        return max(1.0, float(error.retry_after))
    if error.reason == "rate_limited":
        return DEFAULT_RETRY_SECONDS
    return float(min(600, 10 * 2 ** max(0, attempt)))
