"""Writes on structures: Chorus Pro connections, their test, the recipient directory.

Every call to Chorus Pro here runs in a Celery task (``structures.tasks``); the functions that
views call only write the database and enqueue, after commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from stdnum.fr import siret as siret_number

from chorus_client import (
    ChorusAuthenticationError,
    ChorusClient,
    ChorusError,
    ChorusProtocolError,
    ChorusRejectedError,
    ChorusTransientError,
    IdentifierType,
    PageRequest,
    ReceivedInvoiceSearch,
    StructureDetails,
    StructureKind,
    StructureSearch,
    StructureSummary,
    SupplierInvoiceSearch,
)
from structures.chorus import ChorusNotConfiguredError, chorus_client_for, error_verdict
from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, Membership, Service, Structure
from structures.selectors import (
    bank_accounts_cache_key,
    directory_max_age,
    directory_structure_fresh,
    directory_structure_list,
)

logger = logging.getLogger(__name__)

# Days before expiry on which managers get an e-mail (see connection_password_expiry_notify).
PASSWORD_EXPIRY_MAIL_DAYS = (30, 15, 7, 3, 1)
DIRECTORY_SEARCH_PAGE_SIZE = 20
# How long a lookup may stay "pending" (its task lost, say) before a new one may start.
DIRECTORY_PENDING_SECONDS = 120
# How long a failed lookup's outcome is shown before the same query is tried again.
DIRECTORY_ERROR_SECONDS = 60
BANK_ACCOUNTS_CACHE_SECONDS = 3 * 24 * 3600


# --- connection ------------------------------------------------------------------------------


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
        from structures.tasks import own_structure_refresh

        connection_id = connection.pk
        transaction.on_commit(lambda: own_structure_refresh.delay(connection_id))
    return connection


def connection_test_request(*, connection: ChorusConnection) -> None:
    """Ask a worker to test the connection; the page polls until the report is there."""
    from structures.tasks import connection_test

    connection.test_requested_at = timezone.now()
    connection.save(update_fields=["test_requested_at", "updated_at"])
    connection_id = connection.pk
    transaction.on_commit(lambda: connection_test.delay(connection_id))


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
    "api_factures": gettext_noop("Factures API"),
}
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
    4. Structures API: the structure itself by SIRET, then consulted: its routing rules and the
       technical password expiry date are stored;
    5. Factures API: an invoice search of one result.

    After a refused token every other link is "not checked"; after a refused technical account,
    the Structures and Factures APIs are (every call of theirs needs the account). Transient
    errors are reported as such, not as wrong credentials.
    """
    started_at = timezone.now()
    checks = {link: _Check(link=link, label=label) for link, label in LINK_LABELS.items()}
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

    def structures() -> str:
        summary = client.structures.find_structure_by_siret(structure.siret)
        if summary is None:
            raise _Verdict(*STRUCTURE_UNKNOWN, detail=f"SIRET {structure.siret}")
        details = client.structures.get_structure(summary.id)
        _structure_apply(structure, summary, details, own_connection=connection)
        return gettext_noop("The Structures API answers: the structure was read from Chorus Pro.")

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
    _run_check(checks["api_structures"], secrets, structures)
    _run_check(checks["api_factures"], secrets, factures)


# --- password expiry -------------------------------------------------------------------------


def connection_password_expiry_notify(*, connection: ChorusConnection, today: date) -> int:
    """E-mail the structure's managers when the technical password expires in exactly 30, 15, 7,
    3 or 1 days; return the number of e-mails sent.

    Run once a day (the beat schedule), the exact-day rule sends each reminder once without
    storing anything; a cache marker also stops a second run the same day (a redelivered task)
    from sending it again.
    """
    if connection.password_expires_on is None:
        return 0
    days_left = (connection.password_expires_on - today).days
    if days_left not in PASSWORD_EXPIRY_MAIL_DAYS:
        return 0
    marker = f"chorus-password-mail:{connection.pk}:{connection.password_expires_on}:{days_left}"
    if not cache.add(marker, True, timeout=2 * 24 * 3600):
        return 0
    structure = connection.structure
    managers = (
        Membership.objects.filter(
            structure=structure,
            role=Membership.Role.STRUCTURE_MANAGER,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Chorus Pro: the technical account password of %(structure)s expires in %(days)d day",
            "Chorus Pro: the technical account password of %(structure)s expires in %(days)d days",
            days_left,
        ) % {"structure": structure.name, "days": days_left}
        body = _(
            "The Chorus Pro technical account %(login)s of %(structure)s expires on %(date)s.\n\n"
            "After that date the portal can no longer send or follow invoices. Renew the "
            "password in Chorus Pro, then enter the new one on the structure's Chorus Pro "
            "connection page in the portal and test the connection."
        ) % {
            "login": connection.login,
            "structure": structure.name,
            "date": connection.password_expires_on.strftime("%d/%m/%Y"),
        }
        for membership in managers:
            send_mail(subject, body, None, [membership.user.email])
            sent += 1
    return sent


def connection_password_expiry_notify_all(*, today: date | None = None) -> int:
    """The daily reminder for every connection; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    dates = [today + timedelta(days=days) for days in PASSWORD_EXPIRY_MAIL_DAYS]
    sent = 0
    for connection in ChorusConnection.objects.filter(
        password_expires_on__in=dates, structure__is_active=True
    ).select_related("structure"):
        try:
            sent += connection_password_expiry_notify(connection=connection, today=today)
        except Exception:
            # One bad address must not deprive the other structures of their reminder.
            logger.exception("password expiry e-mail failed for connection %s", connection.pk)
    return sent


# --- directory -------------------------------------------------------------------------------


class StructureNotInChorus(Exception):
    """Chorus Pro knows no structure with this SIRET (or does not show it to this account)."""

    def __init__(self, siret: str) -> None:
        super().__init__(f"no structure with SIRET {siret} in Chorus Pro")
        self.siret = siret


def _text(value: str | None, length: int) -> str:
    return (value or "").strip()[:length]


def _structure_apply(
    structure: Structure,
    summary: StructureSummary,
    details: StructureDetails | None,
    *,
    own_connection: ChorusConnection | None = None,
) -> Structure:
    """Copy what Chorus Pro says of a structure onto its row (and, for a structure consulted with
    its own account, the technical password expiry onto the connection)."""
    structure.chorus_id = summary.id
    if own_connection is None:
        # Never for a structure read with its own account: marking it inactive would lock its
        # users out of the portal as a side effect of a test or a refresh.
        structure.is_active = summary.active
    if details is None:
        structure.name = structure.name or _text(summary.name, 200) or structure.siret
    else:
        structure.name = (
            _text(details.company_name, 200)
            or _text(details.label, 200)
            or _text(summary.name, 200)
            or structure.name
            or structure.siret
        )
        if details.kind is not None:
            is_public = details.kind == StructureKind.PUBLIQUE
            structure.kind = Structure.Kind.PUBLIC if is_public else Structure.Kind.PRIVATE
        structure.vat_number = _text(details.vat_number, 20)
        if details.address is not None:
            structure.address_line = _text(details.address.line, 200)
            structure.postal_code = _text(details.address.postal_code, 10)
            structure.city = _text(details.address.city, 100)
            country = _text(details.address.country, 2).upper()
            if len(country) == 2 and country.isalpha():
                structure.country_code = country
        structure.service_code_required = details.routing.service_code_required
        structure.commitment_required = details.routing.commitment_required
        structure.service_or_commitment_required = details.routing.service_code_or_commitment
        structure.last_synced_at = timezone.now()
    with transaction.atomic():
        # The Chorus Pro id is unique: an older row holding it (a SIRET that changed) lets go.
        Structure.objects.filter(chorus_id=summary.id).exclude(pk=structure.pk).update(
            chorus_id=None
        )
        structure.save()
        expires_at = details.technical_password_expires_at if details else None
        if own_connection is not None and expires_at is not None:
            own_connection.password_expires_on = timezone.localdate(expires_at)
            ChorusConnection.objects.filter(pk=own_connection.pk).update(
                password_expires_on=own_connection.password_expires_on
            )
    return structure


def directory_refresh_structure(*, connection: ChorusConnection, siret: str) -> Structure:
    """Read a structure from Chorus Pro by SIRET and store it with its services.

    1. ``structures/rechercher`` by SIRET (raises :class:`StructureNotInChorus` when absent);
    2. ``structures/consulter``: name, address, VAT number, routing rules (a private structure
       not attached to this account cannot be consulted: the search result is kept);
    3. public structures only, every page of ``rechercher/services``; then
       ``consulter/service`` for the active services only, and only when the structure itself
       does not already require a commitment (otherwise the service's flag changes nothing);
    4. upsert the structure and its services; services Chorus Pro no longer lists are
       deactivated. ``last_synced_at`` marks the copy as fresh.
    """
    with chorus_client_for(connection) as client:
        summary = client.structures.find_structure_by_siret(siret)
        if summary is None:
            raise StructureNotInChorus(siret)
        try:
            details = client.structures.get_structure(summary.id)
        except ChorusRejectedError:
            details = None
        services: list[tuple[Any, bool]] = []
        is_public = details is not None and details.kind == StructureKind.PUBLIQUE
        if is_public:
            for service in client.structures.iter_services(summary.id):
                needs_commitment = False
                if service.active and not details.routing.commitment_required:
                    needs_commitment = client.structures.get_service(
                        summary.id, service.id
                    ).commitment_required
                services.append((service, needs_commitment))

    with transaction.atomic():
        structure = Structure.objects.filter(siret=siret).first() or Structure(
            siret=siret, kind=Structure.Kind.PUBLIC if is_public else Structure.Kind.PRIVATE
        )
        if details is None:
            structure.last_synced_at = timezone.now()
        _structure_apply(structure, summary, details)
        if is_public:
            seen = []
            for service, needs_commitment in services:
                seen.append(service.code)
                Service.objects.update_or_create(
                    structure=structure,
                    code=service.code[:100],
                    defaults={
                        "label": _text(service.name, 200),
                        "is_active": service.active,
                        "chorus_id": service.id,
                        "commitment_required": needs_commitment,
                    },
                )
            structure.services.exclude(code__in=seen).update(is_active=False)
    return structure


def directory_search(*, connection: ChorusConnection, query: str) -> list[Structure]:
    """Public structures whose name contains ``query`` (one page of ``structures/rechercher``),
    kept as Structure rows with what the search returns (SIRET, name, active, Chorus Pro id).

    Rows created here have no ``last_synced_at``: routing rules and services are read in full
    (:func:`directory_refresh_structure`) when the supplier picks one.
    """
    with chorus_client_for(connection) as client:
        page = client.structures.search_structures(
            StructureSearch(company_name=query, kind=StructureKind.PUBLIQUE),
            PageRequest(page_size=DIRECTORY_SEARCH_PAGE_SIZE),
        )
    found = []
    with transaction.atomic():
        for summary in page.items:
            siret = summary.identifier
            if summary.identifier_type not in (None, IdentifierType.SIRET):
                continue
            if not siret_number.is_valid(siret):
                continue
            structure = Structure.objects.filter(siret=siret).first()
            if structure is None:
                structure = Structure(siret=siret, kind=Structure.Kind.PUBLIC)
            if structure.last_synced_at is None:
                # A fully read row keeps its company name; the search gives a display name.
                structure.name = _text(summary.name, 200) or structure.name or siret
            _structure_apply(structure, summary, None)
            found.append(structure)
    return found


def _lookup_key(query: DirectoryQuery) -> str:
    digest = hashlib.sha256(query.text.casefold().encode()).hexdigest()[:32]
    return f"chorus-directory-lookup:{digest}"


def directory_lookup_state(*, query: DirectoryQuery) -> dict[str, Any] | None:
    """The recorded state of a lookup: ``{"state": "pending"}``, ``{"state": "done", "ok": True,
    "structure_ids": [...]}`` or ``{"state": "done", "ok": False, "error": ..., "detail": ...}``;
    None when no lookup is pending or remembered."""
    return cache.get(_lookup_key(query))


def directory_lookup_start(*, connection: ChorusConnection, query: DirectoryQuery) -> bool:
    """Enqueue the Chorus Pro lookup of ``query`` unless one is already pending; True if queued.

    The pending marker expires by itself, so a lost task does not block the query for ever.
    """
    from structures.tasks import directory_refresh_structure_task, directory_search_task

    key = _lookup_key(query)
    state = cache.get(key)
    if state is not None and state.get("state") == "done":
        cache.delete(key)
    if not cache.add(key, {"state": "pending"}, timeout=DIRECTORY_PENDING_SECONDS):
        return False
    connection_id = connection.pk
    if query.siret:
        siret = query.siret
        transaction.on_commit(lambda: directory_refresh_structure_task.delay(connection_id, siret))
    else:
        name = query.name
        transaction.on_commit(lambda: directory_search_task.delay(connection_id, name))
    return True


def directory_lookup_run(*, connection: ChorusConnection, query: DirectoryQuery) -> dict:
    """Run a directory lookup (task side) and record its outcome for the polling page."""
    outcome: dict[str, Any]
    try:
        if query.siret:
            structures = [directory_refresh_structure(connection=connection, siret=query.siret)]
        else:
            structures = directory_search(connection=connection, query=query.name)
        outcome = {"state": "done", "ok": True, "structure_ids": [s.pk for s in structures]}
        timeout = int(directory_max_age().total_seconds())
    except StructureNotInChorus:
        outcome = {"state": "done", "ok": False, "error": "not_found", "detail": ""}
        timeout = DIRECTORY_ERROR_SECONDS * 5
    except ChorusError as error:
        kind = "transient" if isinstance(error, ChorusTransientError) else "refused"
        if isinstance(error, ChorusAuthenticationError):
            kind = "authentication"
        outcome = {"state": "done", "ok": False, "error": kind, "detail": str(error)[:300]}
        timeout = DIRECTORY_ERROR_SECONDS
    except Exception:
        # A bug: end the page's polling at once, then let the worker log it.
        failed = {"state": "done", "ok": False, "error": "failed", "detail": ""}
        cache.set(_lookup_key(query), failed, timeout=DIRECTORY_ERROR_SECONDS)
        raise
    outcome["finished_at"] = timezone.now().isoformat()
    cache.set(_lookup_key(query), outcome, timeout=timeout)
    return outcome


def directory_refresh_own_structure(*, connection: ChorusConnection) -> Structure:
    """Refresh the connection's own structure from Chorus Pro: Chorus Pro id, identity, routing
    rules, technical password expiry and (for a supplier) its valid bank accounts, kept in the
    cache for :func:`structures.selectors.bank_accounts_for_supplier`."""
    structure = connection.structure
    with chorus_client_for(connection) as client:
        summary = client.structures.find_structure_by_siret(structure.siret)
        if summary is None:
            raise StructureNotInChorus(structure.siret)
        details = client.structures.get_structure(summary.id)
        accounts = None
        if details.kind != StructureKind.PUBLIQUE:
            accounts = client.transverses.valid_bank_accounts(summary.id)
    _structure_apply(structure, summary, details, own_connection=connection)
    if accounts is not None:
        cache.set(
            bank_accounts_cache_key(structure.pk),
            [(account.id, account.name or str(account.id)) for account in accounts],
            timeout=BANK_ACCOUNTS_CACHE_SECONDS,
        )
    return structure


@dataclass
class DirectoryOutcome:
    """What the directory page shows for a query.

    ``state``: ``found`` (``structures``), ``pending`` (a lookup runs: poll), ``not_found``
    (Chorus Pro has no such SIRET) or ``error`` (``error``: ``transient``, ``authentication``,
    ``refused`` or ``no_connection``).
    """

    state: str
    structures: list[Structure] = field(default_factory=list)
    error: str = ""
    detail: str = ""


def directory_lookup(
    *, connection: ChorusConnection | None, query: DirectoryQuery
) -> DirectoryOutcome:
    """Answer a directory query from the local copy when it can, else start a Chorus Pro lookup.

    1. a lookup of this query is pending: ``pending`` (the page polls);
    2. a SIRET read in full within the maximum age, or a name searched within it: ``found``;
    3. a recent failed lookup: its outcome (until it expires, then a new lookup may start);
    4. no technical account to ask Chorus Pro with: the stale local copy if any, else an error;
    5. otherwise enqueue the lookup: ``pending``.
    """
    state = directory_lookup_state(query=query)
    if state is not None and state.get("state") == "pending":
        return DirectoryOutcome(state="pending")
    if query.siret:
        fresh = directory_structure_fresh(siret=query.siret)
        if fresh is not None:
            return DirectoryOutcome(state="found", structures=[fresh])
    if state is not None and state.get("ok"):
        structures = directory_structure_list(structure_ids=state.get("structure_ids", []))
        if query.name or structures:
            return DirectoryOutcome(state="found", structures=structures)
    if state is not None and not state.get("ok"):
        error = state.get("error", "")
        if error == "not_found":
            return DirectoryOutcome(state="not_found")
        return DirectoryOutcome(state="error", error=error, detail=state.get("detail", ""))
    if connection is None:
        stale = list(Structure.objects.filter(siret=query.siret)) if query.siret else []
        if stale:
            return DirectoryOutcome(state="found", structures=stale)
        return DirectoryOutcome(state="error", error="no_connection")
    directory_lookup_start(connection=connection, query=query)
    return DirectoryOutcome(state="pending")


def directory_refresh_request(
    *, connection: ChorusConnection, structure: Structure
) -> DirectoryOutcome:
    """Re-read a structure from Chorus Pro even though the local copy is fresh."""
    query = DirectoryQuery(siret=structure.siret)
    directory_lookup_start(connection=connection, query=query)
    return DirectoryOutcome(state="pending")
