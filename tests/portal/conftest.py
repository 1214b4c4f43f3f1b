import pytest

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
