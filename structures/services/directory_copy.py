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

from stdnum.fr import siret as siret_number

from reference_lists.models import ReferenceEntry
from reference_lists.selectors import reference_codes_by_label
from structures.chorus import chorus_client_for
from structures.directory_source import DirectoryRecord, DirectoryService, country_code
from structures.models import ChorusConnection, Structure
from structures.selectors import connection_for_shared_reads
from structures.services.directory import structure_store_record

DIRECTORY_COPY_TASK = "structures.directory_copy_refresh"
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
        siret = (row.get(_SIRET) or "").strip()
        if row.get("typeIdentifiantStructure", "SIRET") != "SIRET":
            continue
        if siret_number.is_valid(siret):
            grouped.setdefault(siret, []).append(row)
    records = []
    countries = reference_codes_by_label(ReferenceEntry.Kind.COUNTRY)
    for siret, rows in grouped.items():
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
    """Download the recipient directory and store every structure of it; returns how many.

    Structures the portal's own members belong to keep their active flag (marking one inactive
    would lock its users out) and everything Chorus Pro does not put in the file (its Chorus Pro
    id, VAT number) stays as it was."""
    connection = connection or connection_for_shared_reads()
    if connection is None:
        return 0
    with chorus_client_for(connection) as client:
        content = client.transverses.download_recipient_directory()
    records = directory_file_records(content)
    with_members = set(
        Structure.objects.filter(
            siret__in=[record.siret for record in records], memberships__isnull=False
        ).values_list("siret", flat=True)
    )
    for record in records:
        if record.siret in with_members:
            active = Structure.objects.filter(siret=record.siret).values_list(
                "is_active", flat=True
            )[0]
            record = DirectoryRecord(**{**vars(record), "active": active})
        structure_store_record(record, siret=record.siret)
    logger.info("recipient directory copy: %s structures", len(records))
    return len(records)
