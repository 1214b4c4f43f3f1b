"""What the benchmarks share: a portal of their own, next to an emulator of their own.

`BenchWorld` (a context manager), used by every script of bench/:

1. a throw-away folder (PORTAL_VAR_DIR) and DJANGO_SETTINGS_MODULE=portal.test_settings;
2. a database of its own: a SQLite file in that folder by default, or the PostgreSQL database
   named by DATABASE_URL (or by the script), which is dropped and created again (its name must
   start with "bench", so that a mistyped URL cannot wipe a real database), then migrated;
3. unless ``emulator=False``: the Chorus Pro emulator started as the tests start it
   (chorus_emulator/pytest_plugin.py: its own SQLite file, a free port, the manual clock), the
   settings pointed at it through the environment, and the demo world loaded;
   (``reuse=True``: a database kept by an earlier run is migrated and used as it is);
4. the folder's file cache and broker, or the Redis database given (``redis_url``, flushed).

Everything is set in os.environ before Django starts, so that worker processes started from
this environment (bench/submission.py) share the database, the emulator and the credentials'
key. On exit the emulator stops, and the folder and the PostgreSQL database are removed unless
``keep=True``. Figures are printed, never asserted.
"""

import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def postgres_recreate(url: str, *, drop_only: bool = False) -> None:
    """Drop the database named in ``url`` and create it again (or only drop it)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to recreate database {name!r}: its name must start with bench")
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def postgres_exists(url: str) -> bool:
    """Whether the database named in ``url`` exists (a kept one, for ``reuse=True``)."""
    import psycopg

    parsed = urlparse(url)
    maintenance = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()
    return found is not None


class BenchWorld:
    def __init__(
        self,
        *,
        keep: bool = False,
        database_url: str | None = None,
        emulator: bool = True,
        redis_url: str = "",
        emulator_args: tuple[str, ...] = (),
        reuse: bool = False,
    ) -> None:
        self.keep = keep
        self.reuse = reuse
        self.folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        if database_url is None:
            database_url = os.environ.get("DATABASE_URL", "")
        self.database_url = database_url
        self.with_emulator = emulator
        self.redis_url = redis_url
        self.emulator_args = emulator_args
        self.process = None
        self.admin = None

    @property
    def database_label(self) -> str:
        return "PostgreSQL" if self.database_url.startswith("postgres") else "SQLite"

    def __enter__(self) -> "BenchWorld":
        os.environ["PORTAL_VAR_DIR"] = str(self.folder)
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.test_settings"
        if self.redis_url:
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
            os.environ["REDIS_URL"] = self.redis_url
        else:
            os.environ.pop("REDIS_URL", None)  # the file cache and broker of the folder
        if self.database_url:
            if not (self.reuse and postgres_exists(self.database_url)):
                postgres_recreate(self.database_url)
            os.environ["DATABASE_URL"] = self.database_url
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{self.folder / 'bench.sqlite3'}"
        if self.with_emulator:
            from chorus_emulator.pytest_plugin import Admin, fixture_credentials, start_emulator

            self.process, base_url = start_emulator(self.folder, *self.emulator_args)
            self.admin = Admin(base_url)
            client_id, client_secret, _accounts = fixture_credentials()
            os.environ["CHORUS_EMULATOR_URL"] = base_url
            os.environ["CHORUS_EMULATOR_CLIENT_ID"] = client_id
            os.environ["CHORUS_EMULATOR_CLIENT_SECRET"] = client_secret

        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if self.with_emulator:
            from portal.demo.world import demo_load

            demo_load()
        return self

    def __exit__(self, *exc) -> None:
        from django.db import connections

        from chorus_emulator.pytest_plugin import stop_emulator

        connections.close_all()
        if self.process is not None:
            stop_emulator(self.process)
        if self.keep:
            print(f"kept {self.folder} (and the PostgreSQL database, if any)")
            return
        if self.database_url:
            postgres_recreate(self.database_url, drop_only=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def connection(self, siret: str):
        from structures.models import ChorusConnection

        return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


def sent_invoices_create(supplier, recipient, chorus_ids, *, prefix: str) -> None:
    """Portal rows for invoices the emulator seeded (MISE_A_DISPOSITION), as if the portal had
    sent them: numbered ``<prefix>-<Chorus Pro id>``, 100 € + 20 % VAT."""
    from django.utils import timezone

    from invoices.models import Invoice

    now = timezone.now()
    Invoice.objects.bulk_create(
        (
            Invoice(
                supplier=supplier,
                recipient=recipient,
                number=f"{prefix}-{chorus_id}",
                total_excl_tax="100.00",
                total_vat="20.00",
                total_incl_tax="120.00",
                amount_due="120.00",
                status=Invoice.Status.SUBMITTED,
                chorus_invoice_id=chorus_id,
                chorus_status="MISE_A_DISPOSITION",
                chorus_status_changed_at=now,
                submitted_at=now,
                deposited_on=now.date(),
            )
            for chorus_id in chorus_ids
        ),
        batch_size=5000,
    )


def invoices_create(count: int, *, prefix: str, status: str = "draft") -> list[int]:
    """N complete invoices (one line, 100 € + 20 % VAT) from Atelier Numérique to the Commune de
    Villeneuve's technical service, numbered ``<prefix>-00001``...; returns their ids."""
    from django.utils import timezone

    from invoices.models import Invoice, InvoiceLine, InvoiceVatLine
    from structures.models import Service, Structure

    # A queued invoice's first attempt is due at once (invoices/retries.py).
    due = timezone.now() if status == Invoice.Status.QUEUED else None
    supplier = Structure.objects.get(siret="12345678200010")
    commune = Structure.objects.get(siret="21750001600019")
    service = Service.objects.get(structure=commune, code="SERV_TECH")
    invoices = Invoice.objects.bulk_create(
        Invoice(
            supplier=supplier,
            recipient=commune,
            service=service,
            number=f"{prefix}-{index:05d}",
            issue_date=date(2026, 11, 20),
            due_date=date(2026, 12, 20),
            payment_mode="transfer",
            total_excl_tax=Decimal("100.00"),
            total_vat=Decimal("20.00"),
            total_incl_tax=Decimal("120.00"),
            amount_due=Decimal("120.00"),
            status=status,
            send_next_attempt_at=due,
        )
        for index in range(count)
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=1,
            description="Maintenance applicative",
            quantity=Decimal(1),
            unit="DAY",
            unit_price=Decimal("100.00"),
            vat_rate=Decimal(20),
            total_excl_tax=Decimal("100.00"),
        )
        for invoice in invoices
    )
    InvoiceVatLine.objects.bulk_create(
        InvoiceVatLine(
            invoice=invoice,
            rate=Decimal(20),
            taxable_amount=Decimal("100.00"),
            vat_amount=Decimal("20.00"),
        )
        for invoice in invoices
    )
    return [invoice.pk for invoice in invoices]


@contextmanager
def stopwatch(label: str, results: dict):
    """Times the block into results[label] (seconds)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        results[label] = time.perf_counter() - started


def print_calls(title: str, calls: dict) -> None:
    """The emulator's counts (GET /_emulator/calls), by operation."""
    print(f"{title}: {calls['total']} API calls")
    for operation, count in sorted(calls["operations"].items(), key=lambda kv: -kv[1]):
        print(f"  {count:>7}  {operation}")


def print_figure(label: str, value: str, target: str = "") -> None:
    print(f"{label:<46} {value:>12}  {target}")
