"""What the sync benchmarks share: a portal of their own next to an emulator of their own.

`BenchWorld` (a context manager), used by bench/status_sync.py and bench/inbox_sync.py:

1. a throw-away folder (PORTAL_VAR_DIR) and DJANGO_SETTINGS_MODULE=portal.test_settings;
2. a database of its own: a SQLite file in that folder by default, or the PostgreSQL database
   named by DATABASE_URL, which is dropped and created again (its name must start with "bench",
   so that a mistyped URL cannot wipe a real database), migrated, loaded with the demo world;
3. the Chorus Pro emulator started as the tests start it (chorus_emulator/pytest_plugin.py:
   its own SQLite file, a free port, the manual clock), and settings.CHORUS_ENDPOINTS["emulator"]
   pointed at it; both stop on exit (the PostgreSQL database is dropped unless keep=True).

Figures are printed, never asserted.
"""

import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _recreate_postgres(url: str, *, drop_only: bool = False) -> None:
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


class BenchWorld:
    def __init__(self, *, keep: bool = False) -> None:
        self.keep = keep
        self.folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.database_url = os.environ.get("DATABASE_URL", "")
        self.process = None
        self.admin = None

    @property
    def database_label(self) -> str:
        return "PostgreSQL" if self.database_url.startswith("postgres") else "SQLite"

    def __enter__(self) -> "BenchWorld":
        os.environ["PORTAL_VAR_DIR"] = str(self.folder)
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.test_settings"
        os.environ.pop("REDIS_URL", None)  # the file cache and broker of the folder
        if self.database_url:
            _recreate_postgres(self.database_url)
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{self.folder / 'bench.sqlite3'}"
        from chorus_emulator.pytest_plugin import Admin, fixture_credentials, start_emulator

        self.process, base_url = start_emulator(self.folder)
        self.admin = Admin(base_url)
        self.accounts = fixture_credentials()[2]

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from portal.demo import demo_load

        call_command("migrate", verbosity=0)
        demo_load()
        client_id, client_secret, _accounts = fixture_credentials()
        settings.CHORUS_ENDPOINTS["emulator"] = {
            "token_url": f"{base_url}/api/oauth/token",
            "api_base_url": base_url,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        return self

    def __exit__(self, *exc) -> None:
        from django.db import connections

        from chorus_emulator.pytest_plugin import stop_emulator

        connections.close_all()
        if self.process is not None:
            stop_emulator(self.process)
        if self.database_url and not self.keep:
            _recreate_postgres(self.database_url, drop_only=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def connection(self, siret: str):
        from structures.models import ChorusConnection

        return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)


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
