"""Fixtures of the Facturation.pro connector's tests: the portal pointed at both emulators, and a
stand-in for the workers that runs what the portal queued, as a worker would."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal import jobs

ATELIER_SIRET = "12345678200010"
ATELIER_API_ID = "demo-atelier-numerique"
ATELIER_KEY = "fpro-demo-atelier-2026-key"
ATELIER_FIRM = 48201


@pytest.fixture
def fpro_world(demo_world, fpro, settings):
    """The demo world (Chorus Pro emulator) and the Facturation.pro emulator, reset; the portal
    reaches Facturation.pro at the emulator's address. Returns the Facturation.pro handle."""
    settings.FACTURATION_PRO_URL = fpro.base_url
    return fpro


class Workers:
    """The tasks the portal queued, kept until ``run`` plays them (and what they queue) in this
    process, in order, as Celery workers would."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, tuple]] = []
        self.ran: list[str] = []

    def send(self, name: str, args: tuple, countdown: float | None = None) -> None:
        self.queued.append((name, tuple(args)))

    def names(self) -> list[str]:
        return [name for name, _ in self.queued]

    def run(self, *, only: str | None = None, limit: int = 200) -> list[str]:
        ran = []
        while self.queued and limit:
            index = next(
                (i for i, (name, _) in enumerate(self.queued) if only is None or name == only),
                None,
            )
            if index is None:
                break
            name, args = self.queued.pop(index)
            jobs.task_registered(name).apply(args=args, throw=True)
            ran.append(name)
            limit -= 1
        self.ran += ran
        return ran


@pytest.fixture
def workers(monkeypatch):
    """Queued tasks are kept in order as soon as they are queued: the test's transaction never
    commits, so ``enqueue``'s wait for the commit is skipped."""
    queue = Workers()
    monkeypatch.setattr("portal.jobs.send", queue.send)
    monkeypatch.setattr(
        "portal.jobs.transaction", SimpleNamespace(on_commit=lambda callback: callback())
    )
    return queue


@pytest.fixture
def read_account(fpro_world):
    """The demo supplier's account (connected by the demo), tested, its invoices read."""
    from connectors.facturation_pro.catalogue import fpro_catalogue_sync
    from connectors.facturation_pro.models import FproConnection

    connection = FproConnection.objects.select_related("structure").get(
        structure__siret=ATELIER_SIRET
    )
    FproConnection.objects.filter(pk=connection.pk).update(
        test_outcome="ok", test_requested_at=timezone.now(), last_tested_at=timezone.now()
    )
    fpro_catalogue_sync(connection=connection)
    connection.refresh_from_db()
    return connection
