import runpy
import socket

import pytest
from django.core.cache import cache

import portal.settings
from portal import throttle


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved forward by hand: ``clock.advance(seconds)``."""

    class Clock:
        now = 1_900_000_000.0

        def time(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(throttle, "time", fake)
    return fake


@pytest.fixture
def redis_unreachable(monkeypatch, settings):
    """The cache and the broker as the settings make them from a REDIS_URL whose port nothing
    listens on: Redis really unreachable, not a mock."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens once the probe is closed: every connection is refused.
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/4")
    fresh = runpy.run_path(portal.settings.__file__)
    settings.CACHES = fresh["CACHES"]
    settings.CELERY_BROKER_URL = fresh["CELERY_BROKER_URL"]
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = fresh["CELERY_BROKER_TRANSPORT_OPTIONS"]
    # Redis refuses, so this empties the memory that stands in for it, which other tests used.
    cache.clear()
    yield fresh["REDIS_URL"]
