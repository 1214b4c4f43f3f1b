"""Chorus Pro's lists behind each decision, kept in Django's cache.

The next statuses a recipient may set depend only on the invoice's current status
(recupererEtatsPossiblesPourTraitement, contract §3.3); a validator's refusal reasons only on the
billing framework (contract §3.7). Neither depends on the invoice, so one answer serves every
invoice and every user of the same Chorus Pro environment.

A web request never asks Chorus Pro: it reads the cache, and when the answer is missing it queues
one worker fetch (a short "pending" marker keeps a polling page from queuing one per poll) and
the page polls until the answer is there. A refusal by Chorus Pro is cached briefly too, so the
page can say so instead of polling forever.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.utils.translation import gettext as _

from chorus_client import (
    ChorusAuthenticationError,
    ChorusRejectedError,
    InvoiceStatus,
)
from invoices.sending.submission import FRAMEWORKS
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection, Structure
from structures.selectors import connection_for_structure

# The task that reads one of Chorus Pro's lists into the cache (invoices/treatment/tasks.py).
REFERENCE_FETCH_TASK = "invoices.reference_fetch"
POSSIBLE_STATUSES = "possible-statuses"
REFUSAL_REASONS = "refusal-reasons"
KEPT_FOR = timedelta(hours=12)
ERROR_KEPT_FOR = timedelta(minutes=2)
# Longer than a fetch takes; once it lapses, a page still waiting queues the fetch again (the
# task may have been lost, or be waiting for a retry).
PENDING_FOR = timedelta(seconds=60)


@dataclass(frozen=True)
class Reference:
    """A cached list: `values` is None while a worker fetches it; `error` says why it failed."""

    values: list | None = None
    error: str = ""

    @property
    def loading(self) -> bool:
        return self.values is None and not self.error


def _key(kind: str, environment: str, value: str) -> str:
    return f"treatment:{kind}:{environment}:{value}"


def connection_for(structure: Structure | None) -> ChorusConnection | None:
    if structure is None:
        return None
    return connection_for_structure(structure=structure)


def _cached(kind: str, connection: ChorusConnection | None, value: str) -> Reference:
    if connection is None:
        return Reference(
            error=_(
                "Your structure has no Chorus Pro connection: its manager must set one up "
                "before invoices can be treated here."
            )
        )
    key = _key(kind, connection.environment, value)
    entry = cache.get(key)
    if entry is not None:
        return Reference(values=entry.get("values"), error=entry.get("error", ""))
    if cache.add(f"{key}:pending", True, int(PENDING_FOR.total_seconds())):
        enqueue(REFERENCE_FETCH_TASK, kind, connection.pk, value)
    return Reference()


def possible_statuses(*, connection: ChorusConnection | None, current: str) -> Reference:
    """The statuses Chorus Pro lets a recipient set from `current` (codes), or loading."""
    return _cached(POSSIBLE_STATUSES, connection, current)


def refusal_reasons(*, connection: ChorusConnection | None, framework: str) -> Reference:
    """Chorus Pro's reasons to refuse an invoice of this framework ({code, label}), or loading."""
    return _cached(REFUSAL_REASONS, connection, framework)


def reference_fetch(*, kind: str, connection_id: int, value: str) -> Reference:
    """Worker side: ask Chorus Pro and cache the answer. A transient failure propagates (the task
    retries); a refusal is cached for a short while so the page can explain it."""
    connection = ChorusConnection.objects.select_related("structure").get(pk=connection_id)
    key = _key(kind, connection.environment, value)
    try:
        with chorus_client_for(connection) as client:
            if kind == POSSIBLE_STATUSES:
                answer = client.transverses.possible_statuses(InvoiceStatus(value))
                values = [status.value for status in answer]
            else:
                answer = client.transverses.validator_refusal_reasons(FRAMEWORKS[value])
                values = [{"code": reason.code, "label": reason.label} for reason in answer]
    except (ChorusRejectedError, ChorusAuthenticationError) as error:
        message = _("Chorus Pro did not give the list (%(error)s).") % {"error": error}
        cache.set(key, {"error": message}, int(ERROR_KEPT_FOR.total_seconds()))
        cache.delete(f"{key}:pending")
        return Reference(error=message)
    cache.set(key, {"values": values}, int(KEPT_FOR.total_seconds()))
    cache.delete(f"{key}:pending")
    return Reference(values=values)
