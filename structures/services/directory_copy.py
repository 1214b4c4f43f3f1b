"""The local copy of Chorus Pro's recipient directory (Transverses
``telecharger/annuaire/destinataire``), downloaded daily by a worker, so that a recipient lookup
by SIRET answers from the portal's own rows without asking Chorus Pro.

Each public structure of the file becomes (or refreshes) a Structure row with its routing rules
and services, marked fresh (``last_synced_at``): :func:`structures.services.directory_lookup`
then serves it at once, and still asks Chorus Pro for a SIRET the copy does not hold.

[U] The file's content is not documented (contract §3.13): the portal reads what the emulator
serves (chorus_emulator/README.md), a ZIP holding one ``;``-separated UTF-8 CSV, one line per
structure and service. :func:`directory_file_rows` is the only place that knows this layout.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from stdnum.fr import siret as siret_number

from reference_lists.models import ReferenceEntry
from reference_lists.selectors import reference_codes_by_label
from structures.chorus import chorus_client_for
from structures.directory_source import DirectoryRecord, DirectoryService, country_code
from structures.models import ChorusConnection, Membership, Service, Structure, name_search_key
from structures.selectors import connection_for_shared_reads

DIRECTORY_COPY_TASK = "structures.directory_copy_refresh"
# Structures stored per transaction.
CHUNK = 500
# [U] the file's columns, as the emulator writes them.
_SIRET = "identifiantStructure"
_TRUE = "true"

logger = logging.getLogger(__name__)


def directory_file_rows(content: bytes) -> Iterator[dict[str, str]]:
    """The lines of the downloaded directory, whatever the CSV file inside the ZIP is named."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not name.lower().endswith(".csv"):
                continue
            text = archive.read(name).decode("utf-8-sig")
            yield from csv.DictReader(io.StringIO(text), delimiter=";")


def _flag(row: dict[str, str], key: str) -> bool:
    return (row.get(key) or "").strip().lower() == _TRUE


def directory_file_records(content: bytes) -> list[DirectoryRecord]:
    """One record per public SIRET structure of the file, with its services."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in directory_file_rows(content):
        if row.get("typeIdentifiantStructure", "SIRET") == "SIRET":
            grouped.setdefault((row.get(_SIRET) or "").strip(), []).append(row)
    records = []
    countries = reference_codes_by_label(ReferenceEntry.Kind.COUNTRY)
    for siret, rows in grouped.items():
        if not siret_number.is_valid(siret):
            continue
        first = rows[0]
        services = [
            DirectoryService(
                code=row["codeService"].strip(),
                label=(row.get("libelleService") or "").strip(),
                active=_flag(row, "estActif"),
                commitment_required=_flag(row, "numeroEngagement"),
            )
            for row in rows
            if (row.get("codeService") or "").strip()
        ]
        records.append(
            DirectoryRecord(
                siret=siret,
                name=(
                    first.get("raisonSocialeStructure") or first.get("designationStructure") or ""
                ).strip(),
                active=(first.get("statut") or "").strip().upper() == "ACTIVE",
                is_public=True,
                address_line=(first.get("adresse") or "").strip(),
                postal_code=(first.get("codePostal") or "").strip(),
                city=(first.get("ville") or "").strip(),
                country_code=country_code(first.get("pays"), countries),
                service_code_required=_flag(first, "codeServiceDoitEtreRenseigne"),
                commitment_required=_flag(first, "numeroEJDoitEtreRenseigne"),
                service_or_commitment_required=_flag(first, "gestionNumeroEJOuCodeService"),
                services=services,
            )
        )
    return records


def directory_copy_refresh(*, connection: ChorusConnection | None = None) -> int:
    """Download the recipient directory and store every structure of it; returns how many."""
    connection = connection or connection_for_shared_reads()
    if connection is None:
        return 0
    with chorus_client_for(connection) as client:
        content = client.transverses.download_recipient_directory()
    count = directory_copy_store(content)
    logger.info("recipient directory copy: %s structures", count)
    return count


# What the file says of a structure, as Structure fields.
_COPIED = (
    "name",
    "is_active",
    "address_line",
    "postal_code",
    "city",
    "country_code",
    "service_code_required",
    "commitment_required",
    "service_or_commitment_required",
)


def _fields(record: DirectoryRecord) -> dict:
    fields = {
        "name": record.name[:200],
        "is_active": record.active,
        "address_line": record.address_line[:200],
        "postal_code": record.postal_code[:10],
        "city": record.city[:100],
        "country_code": record.country_code,
        "service_code_required": record.service_code_required,
        "commitment_required": record.commitment_required,
        "service_or_commitment_required": record.service_or_commitment_required,
    }
    if not fields["country_code"]:
        del fields["country_code"]
    if not fields["name"]:
        del fields["name"]
    return fields


def directory_copy_store(content: bytes) -> int:
    """Store the downloaded directory, CHUNK structures per transaction, writing only what
    changed (the whole directory holds tens of thousands of structures).

    Structures the portal's own members belong to keep their active flag (marking one inactive
    would lock its users out); what the file does not give (Chorus Pro id, VAT number) stays."""
    records = directory_file_records(content)
    for start in range(0, len(records), CHUNK):
        _store_chunk(records[start : start + CHUNK], timezone.now())
    return len(records)


def _store_chunk(records: list[DirectoryRecord], now) -> None:
    sirets = [record.siret for record in records]
    with transaction.atomic():
        existing = {s.siret: s for s in Structure.objects.filter(siret__in=sirets)}
        with_members = set(
            Membership.objects.filter(structure__siret__in=sirets).values_list(
                "structure__siret", flat=True
            )
        )
        created, changed = [], []
        for record in records:
            fields = _fields(record)
            structure = existing.get(record.siret)
            if structure is None:
                structure = Structure(siret=record.siret, kind=Structure.Kind.PUBLIC, **fields)
                structure.name = structure.name or record.siret
                # What Structure.save() derives, since bulk_create does not call it.
                structure.siren = record.siret[:9]
                structure.search_name = name_search_key(structure.name)[:200]
                created.append(structure)
                continue
            if record.siret in with_members:
                fields.pop("is_active")
            if structure.kind != Structure.Kind.PUBLIC or any(
                getattr(structure, name) != value for name, value in fields.items()
            ):
                for name, value in fields.items():
                    setattr(structure, name, value)
                structure.kind = Structure.Kind.PUBLIC
                structure.search_name = name_search_key(structure.name)[:200]
                changed.append(structure)
        Structure.objects.bulk_create(created)
        Structure.objects.bulk_update(changed, [*_COPIED, "kind", "search_name"])
        Structure.objects.filter(siret__in=sirets).update(last_synced_at=now)
        _store_services(records)


def _store_services(records: list[DirectoryRecord]) -> None:
    ids = dict(
        Structure.objects.filter(siret__in=[r.siret for r in records]).values_list("siret", "pk")
    )
    existing = {
        (service.structure_id, service.code): service
        for service in Service.objects.filter(structure_id__in=ids.values())
    }
    created, changed, listed = [], [], set()
    for record in records:
        structure_id = ids[record.siret]
        for service in record.services or []:
            key = (structure_id, service.code[:100])
            if key in listed:
                continue
            listed.add(key)
            values = {
                "label": service.label[:200],
                "is_active": service.active,
                "commitment_required": service.commitment_required,
            }
            row = existing.get(key)
            if row is None:
                created.append(Service(structure_id=structure_id, code=key[1], **values))
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
    # A service the file no longer lists is no longer offered.
    for key, row in existing.items():
        if key not in listed and row.is_active:
            row.is_active = False
            changed.append(row)
    Service.objects.bulk_create(created)
    Service.objects.bulk_update(changed, ["label", "is_active", "commitment_required"])
