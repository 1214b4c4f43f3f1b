"""Benchmark (issue 13 §6): importing 1,000 Facturation.pro invoices into the portal.

Run from the repository root:

    .venv/bin/python bench/facturation_pro_import_bench.py          # SQLite file of its own
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_fpro \\
        .venv/bin/python bench/facturation_pro_import_bench.py

Options: --invoices N (1,000). See bench/harness.py for the set-up (own Chorus Pro emulator, own
database, demo world); the Facturation.pro emulator is started here the same way (its own
SQLite file, a free port). Figures are printed, never asserted.

1. The Facturation.pro emulator seeds N finalised invoices of Atelier Numérique to the Lycée Jean
   Moulin (a public entity without routing rules), next to the demo world's own.
2. Reading the account (fpro_catalogue_sync, the worker's step): Facturation.pro calls (the
   quota is 600 per 5 minutes) and wall time; the Lycée's SIRET is looked up once in Chorus Pro.
3. Importing every new invoice (fpro_import_request + fpro_import_run, the worker's step) as
   portal drafts with lines and VAT: wall time, invoices per second.
Target: reading and importing 1,000 invoices in under 60 s, with fewer than 50 calls to
Facturation.pro (one per 50 invoices).
"""

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from harness import BenchWorld, print_figure, stopwatch

LYCEE_CUSTOMER = 310004
FIRM = 48201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000)
    options = parser.parse_args()

    from facturation_pro_emulator.pytest_plugin import (
        FproEmulator,
        demo_accounts,
        start_emulator,
        stop_emulator,
    )

    folder = Path(tempfile.mkdtemp(prefix="fpro-bench-"))
    process, base_url = start_emulator(folder)
    os.environ["FACTURATION_PRO_URL"] = base_url
    fpro = FproEmulator(base_url, demo_accounts())
    try:
        with BenchWorld():
            run(fpro, options.invoices)
    finally:
        stop_emulator(process)
        shutil.rmtree(folder, ignore_errors=True)


def run(fpro, count: int) -> None:
    from connectors.facturation_pro.catalogue import fpro_catalogue_sync
    from connectors.facturation_pro.importing import fpro_import_request, fpro_import_run
    from connectors.facturation_pro.models import FproConnection, FproInvoice
    from invoices.models import Invoice

    fpro.seed_invoices(FIRM, LYCEE_CUSTOMER, count, unit_price="450", vat="0.200")
    connection = FproConnection.objects.select_related("structure").get(firm_id=FIRM)
    fpro.admin("DELETE", "calls")
    results: dict[str, float] = {}
    with stopwatch("read", results):
        report = fpro_catalogue_sync(connection=connection)
    calls = fpro.calls()["total"]
    with stopwatch("import", results):
        run = fpro_import_request(connection=connection, user=None)
        run = fpro_import_run(run_id=run.pk)
    imported = FproInvoice.objects.filter(state="imported").count()
    drafts = Invoice.objects.filter(facturation_pro_source__isnull=False).count()
    total = results["read"] + results["import"]

    database = "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"Facturation.pro import, {count} seeded invoices (+ the demo's), {database}")
    print_figure("invoices read / to public entities", f"{report.invoices_read} / {report.public}")
    print_figure(
        "Facturation.pro calls to read them", str(calls), "target < 50 (quota 600 / 5 min)"
    )
    print_figure("reading (s)", f"{results['read']:.1f}")
    print_figure("imported / not imported", f"{run.done} / {run.failed}")
    print_figure("portal drafts created", f"{drafts} ({imported} rows imported)")
    print_figure(
        "importing (s)",
        f"{results['import']:.1f}",
        f"{run.done / results['import']:.0f} invoices/s",
    )
    print_figure("reading + importing (s)", f"{total:.1f}", "target < 60 s for 1,000")


if __name__ == "__main__":
    main()
