"""The recipient directory: structures read from Chorus Pro by SIRET or by name, served from the
local copy while it is fresh, and each connection's own structure refreshed from Chorus Pro."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from stdnum.fr import siret as siret_number

from chorus_client import (
    ChorusAuthenticationError,
    ChorusError,
    ChorusTransientError,
)
from portal.jobs import enqueue
from structures.chorus import chorus_client_for
from structures.directory_source import DirectoryRecord, directory_source_for
from structures.forms import DirectoryQuery
from structures.models import ChorusConnection, Service, Structure
from structures.selectors import (
    directory_max_age,
    directory_structure_fresh,
    directory_structure_list,
    directory_structures_named,
)

# The tasks that read the directory from Chorus Pro (structures/tasks.py).
DIRECTORY_BY_SIRET_TASK = "structures.directory_lookup_siret"
DIRECTORY_BY_NAME_TASK = "structures.directory_lookup_name"
DIRECTORY_SEARCH_PAGE_SIZE = 20
# How long a lookup may stay "pending" (its task lost, say) before a new one may start.
DIRECTORY_PENDING_SECONDS = 120
# How long a failed lookup's outcome is shown before the same query is tried again.
DIRECTORY_ERROR_SECONDS = 60


class StructureNotInChorus(Exception):
    """Chorus Pro knows no structure with this SIRET (or does not show it to this account)."""

    def __init__(self, siret: str) -> None:
        super().__init__(f"no structure with SIRET {siret} in Chorus Pro")
        self.siret = siret


def _text(value: str | None, length: int) -> str:
    return (value or "").strip()[:length]


def structure_apply_from_chorus(
    structure: Structure,
    record: DirectoryRecord,
    *,
    own_connection: ChorusConnection | None = None,
) -> Structure:
    """Copy what the directory source says of a structure onto its row (and, for a structure
    read with its own account, the technical password expiry onto the connection)."""
    if record.chorus_id is not None:
        structure.chorus_id = record.chorus_id
    if own_connection is None:
        # Never for a structure read with its own account: marking it inactive would lock its
        # users out of the portal as a side effect of a test or a refresh.
        structure.is_active = record.active
    if not record.consulted:
        structure.name = structure.name or _text(record.name, 200) or structure.siret
    else:
        structure.name = _text(record.name, 200) or structure.name or structure.siret
        if record.is_public is not None:
            structure.kind = Structure.Kind.PUBLIC if record.is_public else Structure.Kind.PRIVATE
        if record.vat_number is not None:
            structure.vat_number = _text(record.vat_number, 20)
        if record.address_line or record.postal_code or record.city:
            structure.address_line = _text(record.address_line, 200)
            structure.postal_code = _text(record.postal_code, 10)
            structure.city = _text(record.city, 100)
        if record.country_code:
            structure.country_code = record.country_code
        structure.service_code_required = record.service_code_required
        structure.commitment_required = record.commitment_required
        structure.service_or_commitment_required = record.service_or_commitment_required
        structure.last_synced_at = timezone.now()
    with transaction.atomic():
        if structure.chorus_id is not None:
            # The Chorus Pro id is unique: an older row holding it (a SIRET that changed) lets go.
            Structure.objects.filter(chorus_id=structure.chorus_id).exclude(pk=structure.pk).update(
                chorus_id=None
            )
        structure.save()
        expires_at = record.password_expires_at
        if own_connection is not None and expires_at is not None:
            own_connection.password_expires_on = timezone.localdate(expires_at)
            ChorusConnection.objects.filter(pk=own_connection.pk).update(
                password_expires_on=own_connection.password_expires_on
            )
    return structure


def directory_refresh_structure(*, connection: ChorusConnection, siret: str) -> Structure:
    """Read a structure from the directory source by SIRET and store it with its services.

    The source (``structures.directory_source``: the Référentiel des Organisations or the
    Structures API) reads the structure, its routing rules and, for a public structure, its
    services with their own commitment flag; raises :class:`StructureNotInChorus` when Chorus
    Pro does not show it. Services the source no longer lists are deactivated;
    ``last_synced_at`` marks the copy as fresh.
    """
    with chorus_client_for(connection) as client:
        record = directory_source_for(client, connection.environment).structure(siret)
    if record is None:
        raise StructureNotInChorus(siret)
    return structure_store_record(record, siret=siret)


def structure_store_record(record: DirectoryRecord, *, siret: str) -> Structure:
    """Upsert a structure and its services from a directory record."""
    with transaction.atomic():
        structure = Structure.objects.filter(siret=siret).first() or Structure(
            siret=siret,
            kind=Structure.Kind.PUBLIC if record.is_public else Structure.Kind.PRIVATE,
        )
        if not record.consulted:
            structure.last_synced_at = timezone.now()
        structure_apply_from_chorus(structure, record)
        if record.services is not None:
            seen = []
            for service in record.services:
                seen.append(service.code)
                defaults = {
                    "label": _text(service.label, 200),
                    "is_active": service.active,
                    "commitment_required": service.commitment_required,
                }
                if service.chorus_id is not None:
                    defaults["chorus_id"] = service.chorus_id
                Service.objects.update_or_create(
                    structure=structure, code=service.code[:100], defaults=defaults
                )
            structure.services.exclude(code__in=seen).update(is_active=False)
    return structure


def _chorus_name_queries(name: str) -> list[str]:
    """What Chorus Pro is asked for a name: without accents, then as typed when it has some."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return list(dict.fromkeys([unicodedata.normalize("NFC", bare), name]))


def directory_search(*, connection: ChorusConnection, query: str) -> list[Structure]:
    """Public structures whose name contains ``query`` (one page of the directory source's
    search), kept as Structure rows with what the search returns (SIRET, name, active, and the
    Chorus Pro id when the source gives it).

    How Chorus Pro compares names is not documented (contract §4.1, [U]): the query is sent
    without its accents, which finds a name however Chorus Pro treats accents as long as the
    name is written without them (as SIRENE writes names) or Chorus Pro ignores them; and, when
    the user typed accents, as typed too, for an accented name on a Chorus Pro that does not
    ignore them. The answers are merged in Chorus Pro's order.

    Rows created here have no ``last_synced_at``: routing rules and services are read in full
    (:func:`directory_refresh_structure`) when the supplier picks one.
    """
    records: dict[str, DirectoryRecord] = {}
    with chorus_client_for(connection) as client:
        source = directory_source_for(client, connection.environment)
        for text in _chorus_name_queries(query):
            for record in source.search_public(text, limit=DIRECTORY_SEARCH_PAGE_SIZE):
                records.setdefault(record.siret, record)
    found = []
    with transaction.atomic():
        for record in records.values():
            siret = record.siret
            if not record.identifier_is_siret or not siret_number.is_valid(siret):
                continue
            structure = Structure.objects.filter(siret=siret).first()
            if structure is None:
                structure = Structure(siret=siret, kind=Structure.Kind.PUBLIC)
            if structure.last_synced_at is None:
                # A fully read row keeps its company name; the search gives a display name.
                structure.name = _text(record.name, 200) or structure.name or siret
            structure_apply_from_chorus(structure, record)
            found.append(structure)
    return found


def _lookup_key(query: DirectoryQuery) -> str:
    # A name's outcome is kept under what Chorus Pro was asked for it.
    text = query.siret or "name:" + "|".join(_chorus_name_queries(query.name))
    digest = hashlib.sha256(text.casefold().encode()).hexdigest()[:32]
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
    key = _lookup_key(query)
    state = cache.get(key)
    if state is not None and state.get("state") == "done":
        cache.delete(key)
    if not cache.add(key, {"state": "pending"}, timeout=DIRECTORY_PENDING_SECONDS):
        return False
    if query.siret:
        enqueue(DIRECTORY_BY_SIRET_TASK, connection.pk, query.siret)
    else:
        enqueue(DIRECTORY_BY_NAME_TASK, connection.pk, query.name)
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
        if query.name:
            structures = _with_known_structures(structures, query.name)
        if query.name or structures:
            return DirectoryOutcome(state="found", structures=structures)
    if state is not None and not state.get("ok"):
        error = state.get("error", "")
        if error == "not_found":
            return DirectoryOutcome(state="not_found")
        return DirectoryOutcome(state="error", error=error, detail=state.get("detail", ""))
    if connection is None:
        if query.siret:
            stale = list(Structure.objects.filter(siret=query.siret))
        else:
            stale = _with_known_structures([], query.name)
        if stale:
            return DirectoryOutcome(state="found", structures=stale)
        return DirectoryOutcome(state="error", error="no_connection")
    directory_lookup_start(connection=connection, query=query)
    return DirectoryOutcome(state="pending")


def _with_known_structures(structures: list[Structure], name: str) -> list[Structure]:
    """Chorus Pro's answer, then the structures the portal already knows whose name matches
    without regard to accents or case (a supplier typing "Universite" finds the Université even
    if Chorus Pro's search minds accents)."""
    listed = {structure.pk for structure in structures}
    known = directory_structures_named(name=name, limit=DIRECTORY_SEARCH_PAGE_SIZE)
    return structures + [structure for structure in known if structure.pk not in listed]


def directory_refresh_request(
    *, connection: ChorusConnection, structure: Structure
) -> DirectoryOutcome:
    """Re-read a structure from Chorus Pro even though the local copy is fresh."""
    query = DirectoryQuery(siret=structure.siret)
    directory_lookup_start(connection=connection, query=query)
    return DirectoryOutcome(state="pending")


# --- the supplier's bank accounts --------------------------------------------------------------
