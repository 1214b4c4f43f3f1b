"""The structure's Chorus Pro connection: saving it, and testing each link with Chorus Pro."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from chorus_client import (
    ChorusClient,
    ChorusError,
    ChorusProtocolError,
    PageRequest,
    ReceivedInvoiceSearch,
    SupplierInvoiceSearch,
)
from portal.jobs import enqueue
from structures.chorus import ChorusNotConfiguredError, chorus_client_for, error_verdict
from structures.directory_source import (
    SOURCE_REFERENTIEL,
    SOURCE_STRUCTURES,
    directory_source_for,
    directory_source_name,
)
from structures.models import ChorusConnection, Structure
from structures.services.directory import structure_apply_from_chorus
from structures.services.own_structure import OWN_STRUCTURE_REFRESH_TASK

# The task that tests a connection (structures/tasks.py).
CONNECTION_TEST_TASK = "structures.connection_test"

logger = logging.getLogger(__name__)


def connection_save(
    *,
    structure: Structure,
    environment: str,
    login: str,
    password: str,
    password_expires_on: date | None,
) -> ChorusConnection:
    """Create or update the structure's Chorus Pro connection.

    An empty ``password`` keeps the stored one (it is required to create). Changing the
    environment, login or password drops the previous test report, which no longer applies.
    """
    connection = ChorusConnection.objects.filter(structure=structure).first()
    if connection is None:
        if not password:
            raise ValueError("a new connection needs a password")
        connection = ChorusConnection(structure=structure)
    credentials_changed = (
        connection.pk is None
        or bool(password)
        or connection.environment != environment
        or connection.login != login
    )
    connection.environment = environment
    connection.login = login
    if password:
        connection.set_password(password)
    connection.password_expires_on = password_expires_on
    if credentials_changed:
        connection.test_requested_at = None
        connection.last_tested_at = None
        connection.last_test_report = None
    connection.save()
    if credentials_changed and not structure.is_public:
        enqueue(OWN_STRUCTURE_REFRESH_TASK, connection.pk)
    return connection


def connection_test_request(*, connection: ChorusConnection) -> None:
    """Ask a worker to test the connection; the page polls until the report is there."""
    connection.test_requested_at = timezone.now()
    connection.save(update_fields=["test_requested_at", "updated_at"])
    enqueue(CONNECTION_TEST_TASK, connection.pk)


@dataclass
class _Check:
    link: str
    label: str
    state: str = "skipped"  # ok, failed, transient, skipped
    message: str = ""
    advice: str = ""
    technical_detail: str = ""

    def passed(self, message: str) -> None:
        self.state, self.message = "ok", message

    def as_report(self) -> dict[str, Any]:
        return {
            "link": self.link,
            "label": self.label,
            "ok": {"ok": True, "skipped": None}.get(self.state, False),
            "state": self.state,
            "message": self.message,
            "advice": self.advice,
            "technical_detail": self.technical_detail,
        }


# Report texts are English msgids, translated when the report is shown (the worker does not know
# the reader's language); variable parts go to technical_detail.
LINK_LABELS = {
    "piste_token": gettext_noop("PISTE token (the portal's application)"),
    "technical_account": gettext_noop("Technical account"),
    "api_transverses": gettext_noop("Transverses API"),
    "api_structures": gettext_noop("Structures API"),
    "api_organisations": gettext_noop("Référentiel des Organisations API"),
    "api_factures": gettext_noop("Factures API"),
}
# The directory link checked is the one the connection's environment reads the directory from.
DIRECTORY_LINKS = {SOURCE_STRUCTURES: "api_structures", SOURCE_REFERENTIEL: "api_organisations"}
STRUCTURE_UNKNOWN = (
    gettext_noop("Chorus Pro does not show this structure's SIRET to this technical account."),
    gettext_noop("Check in Chorus Pro that the technical account is attached to this structure."),
)
SKIPPED_NO_TOKEN = gettext_noop("Not checked: a PISTE token is needed first.")
SKIPPED_NO_ACCOUNT = gettext_noop("Not checked: the technical account must work first.")


def _fail(check: _Check, error: Exception, secrets: list[str]) -> None:
    """Turn an error into a verdict and advice for the link being checked."""
    verdict = error_verdict(error)
    detail = str(error)
    for secret in secrets:
        if secret:
            detail = detail.replace(secret, "<redacted>")
    check.state, check.message, check.advice = verdict.state, verdict.message, verdict.advice
    check.technical_detail = detail[:500]


class _Verdict(Exception):
    """Raised by a step that found a problem which is not a client error."""

    def __init__(self, message: str, advice: str, detail: str = "") -> None:
        super().__init__(message)
        self.message, self.advice, self.detail = message, advice, detail


def _run_check(check: _Check, secrets: list[str], step: Callable[[], str]) -> None:
    try:
        check.passed(step())
    except _Verdict as verdict:
        check.state, check.message, check.advice = "failed", verdict.message, verdict.advice
        check.technical_detail = verdict.detail
    except ChorusError as error:
        _fail(check, error, secrets)
    except Exception as error:
        # A bug on our side must not hide the other links' verdicts.
        logger.exception("connection test step %s failed", check.link)
        _fail(check, ChorusProtocolError(type(error).__name__), secrets)


def connection_test_run(*, connection: ChorusConnection) -> list[dict[str, Any]]:
    """Check each link between the portal and Chorus Pro separately; store and return the report.

    1. PISTE token: the portal's OAuth application (client credentials);
    2. Transverses API: the health check (needs the token only);
    3. technical account: a call that needs ``cpro-account`` (the VAT rates);
    4. the directory (the Référentiel des Organisations or the Structures API, as
       ``structures.directory_source`` chooses for the environment): the structure itself by
       SIRET: its routing rules, Chorus Pro id and (Structures API only) the technical password
       expiry date are stored;
    5. Factures API: an invoice search of one result.

    After a refused token every other link is "not checked"; after a refused technical account,
    the Structures and Factures APIs are (every call of theirs needs the account). Transient
    errors are reported as such, not as wrong credentials.
    """
    started_at = timezone.now()
    directory_link = DIRECTORY_LINKS[directory_source_name(connection.environment)]
    checks = {
        link: _Check(link=link, label=label)
        for link, label in LINK_LABELS.items()
        if link == directory_link or link not in DIRECTORY_LINKS.values()
    }
    endpoint = settings.CHORUS_ENDPOINTS.get(connection.environment) or {}
    secrets = [endpoint.get("client_secret") or ""]
    try:
        client = chorus_client_for(connection, fresh_token=True)
    except ChorusNotConfiguredError as error:
        _fail(checks["piste_token"], error, secrets)
    else:
        secrets.append(client.config.technical_password)
        with client:
            _connection_checks(client, connection, checks, secrets)
    token_ok = checks["piste_token"].state == "ok"
    for check in checks.values():
        if check.state == "skipped":
            check.message = SKIPPED_NO_ACCOUNT if token_ok else SKIPPED_NO_TOKEN
    report = [check.as_report() for check in checks.values()]
    # The run's start, not its end: a test asked for while this one ran is still pending.
    ChorusConnection.objects.filter(pk=connection.pk).update(
        last_test_report=report, last_tested_at=started_at
    )
    connection.last_test_report, connection.last_tested_at = report, started_at
    return report


def _connection_checks(
    client: ChorusClient,
    connection: ChorusConnection,
    checks: dict[str, _Check],
    secrets: list[str],
) -> None:
    structure = connection.structure

    def token() -> str:
        client.transport.token()
        return gettext_noop("The portal obtained a PISTE token.")

    def transverses() -> str:
        client.transverses.health_check()
        return gettext_noop("The Transverses API answers.")

    def account() -> str:
        client.transverses.vat_rates()
        return gettext_noop("Chorus Pro accepted the technical account.")

    source = directory_source_for(client, connection.environment)

    def directory() -> str:
        record = source.own_structure(structure.siret, public=structure.is_public)
        if record is None:
            raise _Verdict(*STRUCTURE_UNKNOWN, detail=f"SIRET {structure.siret}")
        structure_apply_from_chorus(structure, record, own_connection=connection)
        if source.name == SOURCE_STRUCTURES:
            return gettext_noop(
                "The Structures API answers: the structure was read from Chorus Pro."
            )
        return gettext_noop(
            "The Référentiel des Organisations answers: the structure was read from Chorus Pro."
        )

    def factures() -> str:
        if structure.is_public:
            client.recipient.search(ReceivedInvoiceSearch(), PageRequest(page_size=1))
        else:
            client.supplier.search(SupplierInvoiceSearch(), PageRequest(page_size=1))
        return gettext_noop("The Factures API answers.")

    _run_check(checks["piste_token"], secrets, token)
    if checks["piste_token"].state != "ok":
        return
    _run_check(checks["api_transverses"], secrets, transverses)
    _run_check(checks["technical_account"], secrets, account)
    if checks["technical_account"].state == "failed":
        return
    _run_check(checks[DIRECTORY_LINKS[source.name]], secrets, directory)
    _run_check(checks["api_factures"], secrets, factures)
