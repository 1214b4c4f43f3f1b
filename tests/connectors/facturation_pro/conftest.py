"""Fixtures of the Facturation.pro connector's tests: the portal pointed at both emulators, and a
stand-in for the workers that runs what the portal queued, as a worker would."""

import pytest
from django.utils import timezone

from .workers import workers_install

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


@pytest.fixture
def workers(monkeypatch):
    return workers_install(monkeypatch)


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
