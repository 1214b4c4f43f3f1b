"""Keeping Chorus Pro's reference lists: read by a worker every day (portal/celery.py) and at
first need, stored whole per list (:class:`~reference_lists.models.ReferenceEntry`)."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from chorus_client import ChorusError
from portal.jobs import enqueue
from reference_lists.models import ReferenceEntry
from reference_lists.readers import READERS, Row
from reference_lists.selectors import ReferenceChoice, reference_choices
from structures.chorus import chorus_client_for
from structures.models import ChorusConnection
from structures.selectors import connection_for_shared_reads

REFERENCE_LISTS_REFRESH_TASK = "reference_lists.refresh"
# A refresh asked for at first need is asked once in this time, however many pages need it.
FIRST_NEED_SECONDS = 600

logger = logging.getLogger(__name__)


def _store(kind: str, rows: list[Row], fetched_at) -> int:
    """Replace one list by what Chorus Pro gave (a code it no longer lists disappears)."""
    entries = {}
    for position, (scope, code, label) in enumerate(rows):
        key = (scope[:40], code[:100])
        entries.setdefault(key, (label[:300], position))
    with transaction.atomic():
        ReferenceEntry.objects.filter(kind=kind).delete()
        ReferenceEntry.objects.bulk_create(
            ReferenceEntry(
                kind=kind,
                scope=scope,
                code=code,
                label=label,
                position=position,
                fetched_at=fetched_at,
            )
            for (scope, code), (label, position) in entries.items()
        )
    return len(entries)


def reference_lists_refresh(
    *, connection: ChorusConnection | None = None, kinds: list[str] | None = None
) -> dict[str, int | str]:
    """Read every list (or ``kinds``) from Chorus Pro and store it. A list Chorus Pro does not
    give this time keeps its previous copy. Returns, per list, the number of codes or the
    error's kind."""
    connection = connection or connection_for_shared_reads()
    if connection is None:
        return {}
    outcome: dict[str, int | str] = {}
    with chorus_client_for(connection) as client:
        for kind, read in READERS.items():
            if kinds is not None and kind not in kinds:
                continue
            try:
                rows = read(client)
            except ChorusError as error:
                logger.warning("reference list %s not refreshed: %s", kind, error)
                outcome[kind] = type(error).__name__
                continue
            outcome[kind] = _store(kind, rows, timezone.now())
    return outcome


def reference_lists_refresh_request() -> None:
    """Ask a worker to read the lists now (support's action)."""
    enqueue(REFERENCE_LISTS_REFRESH_TASK)


def reference_lists_refresh_soon() -> bool:
    """Ask a worker to read the lists, once per FIRST_NEED_SECONDS; True if asked now."""
    if not cache.add("reference-lists-refresh-asked", True, timeout=FIRST_NEED_SECONDS):
        return False
    enqueue(REFERENCE_LISTS_REFRESH_TASK)
    return True


def reference_choices_needed(kind: str, *, scope: str = "") -> list[ReferenceChoice]:
    """A list a page needs: what Chorus Pro last said; when it was never read, a worker is
    asked to read the lists and the page gets an empty list meanwhile."""
    choices = reference_choices(kind, scope=scope)
    if not choices:
        reference_lists_refresh_soon()
    return choices
