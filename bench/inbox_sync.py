"""Benchmark (issue 5 §8): 10,000 received invoices synced into an empty inbox.

Run from the repository root:

    .venv/bin/python bench/inbox_sync.py                      # SQLite file of its own
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sync \\
        .venv/bin/python bench/inbox_sync.py

Options: --invoices N (10,000), --details N (how many of the created invoices the details step
reads, default all). See bench/harness.py for the set-up (own emulator, own database, demo world).
Figures are printed, never asserted.

1. The emulator seeds N invoices from Bureau Fournitures (a supplier outside the portal) to the
   Commune de Villeneuve, whose portal inbox is empty.
2. The commune account's first cycle (inbox_sync_for_connection): API calls, wall time.
   Target: a handful of search pages, under 60 s.
3. The details step, which workers run in batches after the cycle (inbox_details_fetch; here in
   one process, batch after batch): API calls and wall time, shown apart.
"""

import argparse
from itertools import batched

from harness import BenchWorld, print_calls, print_figure, stopwatch

BUREAU = "44306184100013"
COMMUNE = "21750001600019"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--details", type=int, default=None)
    options = parser.parse_args()

    with BenchWorld() as world:
        from invoices.inbox.received import PAGE_SIZE
        from invoices.inbox.report import DETAILS_BATCH
        from invoices.inbox.services import (
            RECIPIENT,
            inbox_details_fetch,
            inbox_sync_for_connection,
        )
        from invoices.models import Invoice

        world.admin.seed_invoices(BUREAU, COMMUNE, options.invoices)
        connection = world.connection(COMMUNE)
        world.admin.clear_calls()
        results: dict[str, float] = {}
        with stopwatch("cycle", results):
            report = inbox_sync_for_connection(connection=connection)
        cycle_calls = world.admin.calls()
        inbox = Invoice.objects.filter(recipient=connection.structure).count()

        ids = report.created_ids[: options.details]
        world.admin.clear_calls()
        with stopwatch("details", results):
            for batch in batched(ids, DETAILS_BATCH):
                inbox_details_fetch(connection=connection, invoice_ids=list(batch), side=RECIPIENT)
        details_calls = world.admin.calls()

        print(
            f"\nInbox sync, {world.database_label}: {options.invoices} received invoices into "
            f"an empty inbox (page size {PAGE_SIZE})"
        )
        print_figure("invoices in the inbox after the cycle", str(inbox))
        print_figure("created / skipped", f"{report.created} / {report.skipped}")
        print_figure("API calls in the cycle", str(cycle_calls["total"]))
        print_figure("wall time of the cycle", f"{results['cycle']:.2f} s", "target < 60 s")
        print_calls("cycle calls by operation", cycle_calls)
        print()
        per = results["details"] / len(ids) * 1000 if ids else 0
        print_figure(f"details step: invoices read (batches of {DETAILS_BATCH})", str(len(ids)))
        print_figure(
            "details step: wall time, one worker",
            f"{results['details']:.1f} s",
            f"{per:.1f} ms per invoice",
        )
        print_calls("details calls by operation", details_calls)


if __name__ == "__main__":
    main()
