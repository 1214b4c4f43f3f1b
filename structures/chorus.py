"""The portal's gateway to Chorus Pro: a configured client per connection, every exchange recorded.

Everyone who talks to Chorus Pro (connection test, directory, invoice submission, status sync)
gets their client from :func:`chorus_client_for`; nothing else in the portal builds a
``ChorusConfig``. The client does the HTTP; this module adds what the portal needs around it:

1. the PISTE application of the connection's environment (``settings.CHORUS_ENDPOINTS``) and the
   structure's own technical account, decrypted only here;
2. a hook that stores each exchange as a :class:`~structures.models.ChorusExchange` row (bodies
   as the client redacted them) and keeps ``last_success_at`` / ``last_failure_*`` current.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy, gettext_noop

from chorus_client import (
    ChorusAuthenticationError,
    ChorusClient,
    ChorusConfig,
    ChorusRejectedError,
    ChorusTransientError,
    Exchange,
    TokenCache,
)
from structures.models import ChorusConnection, ChorusExchange

if TYPE_CHECKING:
    from invoices.models import Invoice

logger = logging.getLogger(__name__)

# Names of the settings behind each environment's PISTE application, for error messages.
_CLIENT_SETTINGS = {
    "emulator": "CHORUS_EMULATOR_CLIENT_ID / CHORUS_EMULATOR_CLIENT_SECRET",
    "sandbox": "PISTE_SANDBOX_CLIENT_ID / PISTE_SANDBOX_CLIENT_SECRET",
    "production": "PISTE_CLIENT_ID / PISTE_CLIENT_SECRET",
}


class ChorusNotConfiguredError(ChorusAuthenticationError):
    """The portal cannot even build a client: no PISTE application for this environment, or a
    stored password that the current CREDENTIALS_KEY cannot decrypt.

    A :class:`ChorusAuthenticationError`, so callers treat it like refused credentials: nothing
    works until someone fixes the configuration, and retrying is pointless.
    """


def environment_is_configured(environment: str) -> bool:
    """True when the portal has a PISTE application (client id and secret) for ``environment``."""
    endpoint = settings.CHORUS_ENDPOINTS.get(environment) or {}
    return all(
        endpoint.get(key) for key in ("token_url", "api_base_url", "client_id", "client_secret")
    )


# One PISTE token per application and process, shared by the clients of every connection (each
# worker task builds its own client; without this, each would fetch a token first).
_PROCESS_TOKENS = TokenCache()


def chorus_client_for(
    connection: ChorusConnection, *, invoice: Invoice | None = None, fresh_token: bool = False
) -> ChorusClient:
    """A Chorus Pro client acting with ``connection``'s technical account.

    Every exchange is stored as a ``ChorusExchange`` of this connection (and of ``invoice`` when
    given). Close the client when done (``with chorus_client_for(connection) as client:``).
    ``fresh_token`` asks PISTE for a token of its own, as the connection test must.
    Raises :class:`ChorusNotConfiguredError` when the environment has no PISTE application or the
    stored password cannot be decrypted.
    """
    environment = connection.environment
    if not environment_is_configured(environment):
        raise ChorusNotConfiguredError(
            f"the Chorus Pro environment {environment!r} has no PISTE application configured on "
            f"this portal (set {_CLIENT_SETTINGS.get(environment, 'its client id and secret')})"
        )
    endpoint = settings.CHORUS_ENDPOINTS[environment]
    try:
        password = connection.password()
    except ValueError as error:
        raise ChorusNotConfiguredError(str(error)) from None
    config = ChorusConfig(
        token_url=endpoint["token_url"],
        api_base_url=endpoint["api_base_url"],
        client_id=endpoint["client_id"],
        client_secret=endpoint["client_secret"],
        technical_login=connection.login,
        technical_password=password,
        connect_timeout=float(settings.CHORUS_CONNECT_TIMEOUT),
        read_timeout=float(settings.CHORUS_READ_TIMEOUT),
    )
    return ChorusClient(
        config,
        hook=ExchangeRecorder(connection.pk, invoice_id=_pk(invoice)),
        token_cache=None if fresh_token else _PROCESS_TOKENS,
    )


def _pk(invoice: Invoice | None) -> int | None:
    return invoice.pk if invoice is not None else None


def _stored_body(text: str | None) -> Any:
    """The client's redacted body: decoded when it is JSON, else the text itself."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


# How stale "last successful call" may be: support reads it in minutes and hours.
SUCCESS_STAMP_EVERY = timedelta(seconds=30)


class ExchangeRecorder:
    """The client hook: one ``ChorusExchange`` row per exchange, and the connection's health.

    Ids rather than model instances: the hook may run long after the objects were loaded, and
    must not save stale copies of them. Each write runs in its own savepoint and any failure is
    logged and swallowed, so that recording can never break the call nor poison the caller's
    transaction.
    """

    def __init__(self, connection_id: int, *, invoice_id: int | None = None) -> None:
        self.connection_id = connection_id
        self.invoice_id = invoice_id

    def __call__(self, exchange: Exchange) -> None:
        try:
            with transaction.atomic():
                self._record(exchange)
        except Exception:
            logger.exception("could not record the Chorus Pro exchange %s", exchange.operation)

    def _record(self, exchange: Exchange) -> None:
        ChorusExchange.objects.create(
            connection_id=self.connection_id,
            invoice_id=self.invoice_id,
            operation=exchange.operation[:100],
            started_at=exchange.started_at,
            duration_ms=max(0, exchange.duration_ms),
            attempt=exchange.attempt,
            http_status=exchange.http_status,
            return_code=exchange.return_code,
            message=exchange.message or exchange.error or "",
            error_kind=exchange.error_kind or "",
            request=_stored_body(exchange.request_body),
            response=_stored_body(exchange.response_body),
        )
        ended_at = exchange.started_at + timedelta(milliseconds=exchange.duration_ms)
        connections = ChorusConnection.objects.filter(pk=self.connection_id)
        if exchange.error_kind is None:
            # Stamped again only when the stamp is older than SUCCESS_STAMP_EVERY, or a failure
            # came after it: every worker thread sending for one account updating one row on
            # each call made them queue behind each other's row lock (issue 16: 14 invoices/s
            # instead of 50 with 300 ms calls).
            connections.filter(
                Q(last_success_at__isnull=True)
                | Q(last_success_at__lt=ended_at - SUCCESS_STAMP_EVERY)
                | Q(last_failure_at__gte=F("last_success_at"))
            ).update(last_success_at=ended_at)
        else:
            # exchange.error is the client's one-line description, secrets already scrubbed.
            connections.update(
                last_failure_at=ended_at, last_failure_message=exchange.error or exchange.error_kind
            )


# The client's kinds of failure (an exchange's ``error_kind``), as support reads them.
ERROR_KIND_LABELS = {
    "transient": gettext_lazy("no answer (temporary)"),
    "rejected": gettext_lazy("refused"),
    "authentication": gettext_lazy("credentials refused"),
    "protocol": gettext_lazy("unreadable answer"),
}


# --- what an error means for a human -----------------------------------------------------------
# English msgids (gettext_noop): the verdict may be stored (a test report) and is translated when
# shown, in the reader's language.

_TRANSIENT = (
    gettext_noop("Chorus Pro is not answering right now."),
    gettext_noop(
        "This is usually temporary: try again in a few minutes. It does not mean that your "
        "settings are wrong."
    ),
)
_TOKEN_REFUSED = (
    gettext_noop("PISTE refused the portal's application."),
    gettext_noop(
        "The portal operator must check its PISTE application (client id and secret, "
        "subscriptions to the Chorus Pro APIs). Nothing to change on your side."
    ),
)
_NOT_CONFIGURED = (
    gettext_noop("This environment is not set up on the portal."),
    gettext_noop("The portal operator must configure a PISTE application for this environment."),
)
_ACCOUNT_REFUSED = (
    gettext_noop("Chorus Pro refused the technical account."),
    gettext_noop(
        "Technical account login or password incorrect. The password expires every 424 days: "
        "if it has expired, renew it in Chorus Pro, then enter the new one here. Also check "
        "that the login has the form TECH_1_<SIRET>@cpro.fr."
    ),
)
_ACCOUNT_EXPIRED = (
    gettext_noop("The technical account password has expired."),
    gettext_noop(
        "Renew it in Chorus Pro (it expires every 424 days), then enter the new one here."
    ),
)
_API_FORBIDDEN = (
    gettext_noop("The portal's PISTE application may not use this API."),
    gettext_noop(
        "The portal operator must subscribe its PISTE application to this API and accept "
        "its terms of use."
    ),
)
_REJECTED = (
    gettext_noop("Chorus Pro refused the request."),
    gettext_noop("See the technical detail; if it persists, contact the portal's support."),
)
_UNEXPECTED = (
    gettext_noop("Chorus Pro gave an unexpected answer."),
    gettext_noop("Contact the portal's support with the technical detail."),
)


@dataclass(frozen=True)
class ChorusVerdict:
    """A client error read for a human: ``state`` is ``transient`` (try again later) or
    ``failed``; ``message`` says what happened and ``advice`` what to do (both msgids)."""

    state: str
    message: str
    advice: str


def error_verdict(error: Exception) -> ChorusVerdict:
    """The plain-language verdict and advice for an error of the Chorus Pro client.

    Transient errors (timeouts, 5xx, 429) never read as wrong credentials; a refused technical
    account says that its password expires every 424 days; a refused PISTE application or an API
    the application is not subscribed to points at the portal operator.
    """
    if isinstance(error, ChorusNotConfiguredError):
        return ChorusVerdict("failed", *_NOT_CONFIGURED)
    if isinstance(error, ChorusTransientError):
        return ChorusVerdict("transient", *_TRANSIENT)
    if isinstance(error, ChorusAuthenticationError):
        if error.technical_account:
            expired = "expired" in (error.www_authenticate or "").lower()
            return ChorusVerdict("failed", *(_ACCOUNT_EXPIRED if expired else _ACCOUNT_REFUSED))
        if error.http_status == 403:
            return ChorusVerdict("failed", *_API_FORBIDDEN)
        return ChorusVerdict("failed", *_TOKEN_REFUSED)
    if isinstance(error, ChorusRejectedError):
        return ChorusVerdict("failed", *_REJECTED)
    return ChorusVerdict("failed", *_UNEXPECTED)
