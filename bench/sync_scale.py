"""Benchmark (issue 16 §4): the status sync with 100,000 invoices in flight across 100 accounts.

Run from the repository root:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sync_scale \\
        .venv/bin/python bench/sync_scale.py                  # 100 accounts x 1,000 invoices
    .venv/bin/python bench/sync_scale.py --accounts 10 --threads 1   # smaller, on SQLite

Options: --accounts N (100), --invoices-per-account M (1,000), --changed-percent P (1),
--threads W (8: workers syncing accounts side by side; use 1 on SQLite). Figures are printed,
never asserted. Everything is its own (bench/harness.py): folder, database, emulator.

1. The emulator's world is the bundled one plus N suppliers, each with its technical account
   (a fixture written to the bench folder); the portal gets the same structures and connections.
2. The emulator seeds M invoices of each supplier to the Commune de Villeneuve
   (MISE_A_DISPOSITION); the portal gets the matching rows, as if it had sent them.
3. Cycle 1 (every account, as the beat's status_sync_all hands them to workers): the first
   reading of each account, no status differs, so no history is read.
4. The previous cycle is then placed after the seeding (as in bench/status_sync.py), P% of the
   invoices change status in Chorus Pro, and cycle 2 runs: the calls must be the search pages
   plus one history per changed invoice, and every change must be in the portal at its end.
A change shows in the portal at most one poll interval (the account's next turn) plus one cycle
after it happened: the bench prints that bound next to the target of two poll intervals.
"""

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from harness import BenchWorld, print_calls, print_figure, sent_invoices_create

COMMUNE = "21750001600019"
PASSWORD = "Bench-Compte-2026"  # a throw-away emulator account
FIRST_ID = 26_900_001


def luhn_siret(index: int) -> str:
    """A valid SIRET (Luhn) of its own for supplier ``index``."""
    body = f"9{index:08d}0001"
    for check in range(10):
        digits = [int(d) for d in body + str(check)]
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 == 0 else d for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError(body)


def world_fixture(folder: Path, accounts: int) -> Path:
    from chorus_emulator.world import load_fixture

    document = load_fixture()
    for index in range(accounts):
        siret = luhn_siret(index)
        document["structures"].append(
            {
                "idStructureCPP": FIRST_ID + index,
                "identifiantStructure": siret,
                "typeIdentifiantStructure": "SIRET",
                "designationStructure": f"Fournisseur {index:03d}",
                "raisonSocialeStructure": f"Fournisseur {index:03d}",
                "typeStructure": "PRIVEE",
                "statut": "ACTIVE",
                "parametres": {
                    "codeServiceDoitEtreRenseigne": False,
                    "numeroEJDoitEtreRenseigne": False,
                    "gestionNumeroEJOuCodeService": False,
                },
                "services": [],
                "listeCoordonneeBancaire": [],
            }
        )
        document["comptesTechniques"].append(
            {
                "login": f"TECH_1_{siret}@cpro.fr",
                "password": PASSWORD,
                "nom": "Technique",
                "prenom": f"Fournisseur {index:03d}",
                "rattachements": [{"idStructureCPP": FIRST_ID + index, "roles": ["FOURNISSEUR"]}],
            }
        )
    path = folder / "world-sync-scale.json"
    path.write_text(json.dumps(document, default=str, ensure_ascii=False))
    return path


def portal_accounts(accounts: int, per_account: int, admin) -> list:
    """The suppliers, their connections and their invoices in the portal; returns connections."""
    from django.utils import timezone

    from structures.models import ChorusConnection, Structure

    commune = Structure.objects.get(siret=COMMUNE)
    now = timezone.now()
    connections = []
    for index in range(accounts):
        siret = luhn_siret(index)
        supplier = Structure.objects.create(
            siret=siret, name=f"Fournisseur {index:03d}", kind="private", chorus_id=FIRST_ID + index
        )
        connection = ChorusConnection(
            structure=supplier,
            environment=ChorusConnection.Environment.EMULATOR,
            login=f"TECH_1_{siret}@cpro.fr",
            password_expires_on=(now + timedelta(days=400)).date(),
        )
        connection.set_password(PASSWORD)
        connection.save()
        connections.append(connection)
        seeded = admin.seed_invoices(siret, COMMUNE, per_account, prefix=f"S{index:03d}")
        sent_invoices_create(
            supplier,
            commune,
            range(seeded["firstId"], seeded["lastId"] + 1),
            prefix=f"S{index:03d}",
        )
    return connections


def cycle(connections, threads: int) -> tuple[float, int, int]:
    """Every account once, W at a time; returns wall seconds, histories read, changes seen."""
    from django.db import connections as databases

    from invoices.sending.status_sync import status_sync_for_connection

    def one(connection):
        try:
            return status_sync_for_connection(connection=connection)
        finally:
            databases.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        reports = list(pool.map(one, connections))
    return (
        time.perf_counter() - started,
        sum(r.histories_read for r in reports),
        sum(r.changed for r in reports),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--invoices-per-account", type=int, default=1000)
    parser.add_argument("--changed-percent", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()

    import tempfile

    fixture = world_fixture(Path(tempfile.mkdtemp(prefix="bench-fixture-")), options.accounts)
    with BenchWorld(emulator_args=("--fixture", str(fixture))) as world:
        from django.utils import timezone

        from invoices.models import Invoice
        from invoices.sending.status_sync import PAGE_SIZE, SETTLED_INTERVAL
        from structures.models import ChorusConnection

        total = options.accounts * options.invoices_per_account
        started = time.perf_counter()
        connections = portal_accounts(options.accounts, options.invoices_per_account, world.admin)
        load_seconds = time.perf_counter() - started

        world.admin.clear_calls()
        first_seconds, _, _ = cycle(connections, options.threads)
        first_calls = world.admin.calls()

        # The previous cycle placed after the seeding, then changes in Chorus Pro.
        world.admin.advance(20 * 60)
        ChorusConnection.objects.filter(pk__in=[c.pk for c in connections]).update(
            statuses_synced_until=timezone.now() + timedelta(minutes=10)
        )
        connections = list(
            ChorusConnection.objects.filter(pk__in=[c.pk for c in connections]).select_related(
                "structure"
            )
        )
        changed = max(1, round(total * options.changed_percent / 100))
        step = max(1, total // changed)
        chosen = list(
            Invoice.objects.filter(supplier__chorus_id__gte=FIRST_ID)
            .order_by("pk")
            .values_list("chorus_invoice_id", flat=True)[::step][:changed]
        )
        for chorus_id in chosen:
            world.admin.set_status(chorus_id, "SUSPENDUE", motif="Pièce justificative manquante")
        world.admin.clear_calls()
        second_seconds, histories, _ = cycle(connections, options.threads)
        second_calls = world.admin.calls()
        in_portal = Invoice.objects.filter(
            chorus_invoice_id__in=chosen, chorus_status="SUSPENDUE"
        ).count()

        pages = second_calls["operations"].get("factures/v1/rechercher/fournisseur", 0)
        interval = SETTLED_INTERVAL.total_seconds()
        print(
            f"\nStatus sync at scale, {world.database_label}: {total} invoices in flight across "
            f"{options.accounts} accounts, {options.threads} workers side by side, "
            f"page size {PAGE_SIZE}"
        )
        print_figure("portal rows and emulator seed in", f"{load_seconds:.1f} s")
        print_figure(
            "cycle 1 (first reading)", f"{first_seconds:.1f} s, {first_calls['total']} calls"
        )
        print_figure("changed in Chorus Pro", str(len(chosen)))
        print_figure(
            "cycle 2 calls",
            str(second_calls["total"]),
            f"target {pages} pages + {len(chosen)} histories (+ tokens)",
        )
        print_figure("histories read", str(histories), f"target {len(chosen)}")
        print_figure("changes in the portal after cycle 2", str(in_portal), f"target {len(chosen)}")
        print_figure("cycle 2 wall time", f"{second_seconds:.1f} s")
        print_figure(
            "change to portal, at most",
            f"{interval + second_seconds:.0f} s (one interval of {interval:.0f} s + the cycle)",
            f"target < {2 * interval:.0f} s (two intervals)",
        )
        print_calls("cycle 2 calls by operation", second_calls)


if __name__ == "__main__":
    main()
