"""Benchmark (issue 4 §12): one status-sync cycle over 10,000 in-flight invoices, 1% changed.

Run from the repository root:

    .venv/bin/python bench/status_sync.py                     # SQLite file of its own
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sync \\
        .venv/bin/python bench/status_sync.py

Options: --invoices N (10,000), --changed-percent P (1). See bench/harness.py for the set-up
(own emulator, own database, demo world). Figures are printed, never asserted.

1. The emulator seeds N invoices of Atelier Numérique to the Commune de Villeneuve
   (MISE_A_DISPOSITION); the portal gets the matching rows, as if it had sent them.
2. The previous cycle is placed after the seeding: the emulator's clock moves 20 minutes on, and
   the account's watermark 10 minutes on, so the seeded invoices are older than the watermark
   minus its 5-minute overlap. Then P% of them change status in Chorus Pro.
3. One cycle (status_sync_for_connection) runs: API calls by operation, histories read, time.
Targets: the pages of the search plus one history per changed invoice; under 30 s.
"""

import argparse
import time
from datetime import timedelta

from harness import BenchWorld, print_calls, print_figure, sent_invoices_create, stopwatch

SUPPLIER = "12345678200010"
COMMUNE = "21750001600019"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--changed-percent", type=float, default=1.0)
    options = parser.parse_args()

    with BenchWorld() as world:
        from django.utils import timezone

        from invoices.sending.status_sync import PAGE_SIZE, status_sync_for_connection
        from structures.models import ChorusConnection

        seeded = world.admin.seed_invoices(SUPPLIER, COMMUNE, options.invoices)
        ids = range(seeded["firstId"], seeded["lastId"] + 1)
        connection = world.connection(SUPPLIER)
        commune = world.connection(COMMUNE).structure
        now = timezone.now()
        started = time.perf_counter()
        sent_invoices_create(connection.structure, commune, ids, prefix="BENCH")
        load_seconds = time.perf_counter() - started
        world.admin.advance(20 * 60)
        ChorusConnection.objects.filter(pk=connection.pk).update(
            statuses_synced_until=now + timedelta(minutes=10)
        )
        connection.refresh_from_db()
        changed = max(1, round(options.invoices * options.changed_percent / 100))
        step = max(1, options.invoices // changed)
        for chorus_id in list(ids)[::step][:changed]:
            world.admin.set_status(chorus_id, "SUSPENDUE", motif="Pièce justificative manquante")
        world.admin.clear_calls()

        results: dict[str, float] = {}
        with stopwatch("cycle", results):
            report = status_sync_for_connection(connection=connection)
        calls = world.admin.calls()

        print(
            f"\nStatus sync, {world.database_label}: {options.invoices} in-flight invoices, "
            f"{changed} changed since the last cycle (page size {PAGE_SIZE})"
        )
        print_figure("portal rows loaded in", f"{load_seconds:.1f} s")
        print_figure("invoices returned by the search", str(report.seen))
        print_figure("histories read", str(report.histories_read), f"target {changed}")
        print_figure("statuses changed", str(report.changed))
        searches = calls["operations"].get("factures/v1/rechercher/fournisseur", 0)
        print_figure(
            "API calls in the cycle",
            str(calls["total"]),
            f"target about {searches} pages + {changed} histories (+ token)",
        )
        print_figure("wall time of the cycle", f"{results['cycle']:.2f} s", "target < 30 s")
        print_calls("calls by operation", calls)


if __name__ == "__main__":
    main()
