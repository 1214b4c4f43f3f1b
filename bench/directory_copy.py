"""Benchmark (issue 11 §6): storing the local copy of the recipient directory
(telecharger/annuaire/destinataire) at the size of the real one.

Run from the repository root:

    .venv/bin/python bench/directory_copy.py                 # 20,000 structures, SQLite
    .venv/bin/python bench/directory_copy.py --structures 60000 --services 3

Options: --structures N (20,000), --services N per structure (3). See bench/harness.py for the
set-up (no emulator: the file is built here in the layout the emulator serves). Figures are
printed, never asserted.

1. A ZIP of N public structures with their services, as Chorus Pro's download would give it.
2. The first copy, into a portal that knows none of them: wall time, queries.
3. The same file again (the daily refresh when nothing changed): wall time, queries.
4. The file with 1% of the structures changed (a routing rule, a service closed).
"""

import argparse
import csv
import io
import time
import zipfile

from harness import BenchWorld, print_figure
from stdnum import luhn

COLUMNS = [
    "identifiantStructure",
    "typeIdentifiantStructure",
    "designationStructure",
    "raisonSocialeStructure",
    "statut",
    "adresse",
    "codePostal",
    "ville",
    "pays",
    "codeServiceDoitEtreRenseigne",
    "numeroEJDoitEtreRenseigne",
    "gestionNumeroEJOuCodeService",
    "statutMiseEnPaiementNestPasRemonte",
    "codeService",
    "libelleService",
    "estActif",
    "numeroEngagement",
]


def _siret(number: int) -> str:
    siren_body = f"{number + 20000000:08d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def directory_zip(structures: int, services: int, *, changed_every: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, delimiter=";")
    writer.writeheader()
    for number in range(structures):
        changed = bool(changed_every) and number % changed_every == 0
        base = {
            "identifiantStructure": _siret(number),
            "typeIdentifiantStructure": "SIRET",
            "designationStructure": f"Commune numéro {number}",
            "raisonSocialeStructure": f"COMMUNE NUMERO {number}",
            "statut": "ACTIVE",
            "adresse": f"{number} place de la Mairie",
            "codePostal": f"{10000 + number % 80000:05d}",
            "ville": "Villeneuve",
            "pays": "FR",
            "codeServiceDoitEtreRenseigne": "true" if number % 3 == 0 else "false",
            "numeroEJDoitEtreRenseigne": "true" if changed else "false",
            "gestionNumeroEJOuCodeService": "false",
            "statutMiseEnPaiementNestPasRemonte": "false",
        }
        for index in range(services):
            writer.writerow(
                {
                    **base,
                    "codeService": f"SERV_{index}",
                    "libelleService": f"Service {index}",
                    "estActif": "false" if changed and index == 0 else "true",
                    "numeroEngagement": "true" if index == 1 else "false",
                }
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("annuaire_destinataires.csv", out.getvalue().encode())
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=20_000)
    parser.add_argument("--services", type=int, default=3)
    options = parser.parse_args()

    with BenchWorld(emulator=False):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from structures.models import Service, Structure
        from structures.services.directory_copy import directory_copy_store

        content = directory_zip(options.structures, options.services)
        changed = directory_zip(options.structures, options.services, changed_every=100)
        print_figure("structures in the file", f"{options.structures:,}")
        print_figure("file size (ZIP)", f"{len(content) / 1024 / 1024:.1f} MiB")
        for label, file in (
            ("first copy", content),
            ("same file again", content),
            ("1% changed", changed),
        ):
            with CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.process_time()
                directory_copy_store(file)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print_figure(f"{label}: wall time", f"{elapsed:.1f} s")
            print_figure(f"{label}: CPU time of this process", f"{cpu:.1f} s")
            print_figure(f"{label}: queries", f"{len(queries):,}")
        print_figure("structures stored", f"{Structure.objects.count():,}")
        print_figure("services stored", f"{Service.objects.count():,}")


if __name__ == "__main__":
    main()
