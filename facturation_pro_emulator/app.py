"""The emulator's state: the world, the store, the clock, quotas, faults and call counts."""

from dataclasses import dataclass
from pathlib import Path

from facturation_pro_emulator.clock import Clock
from facturation_pro_emulator.faults import CallLog, FaultBook
from facturation_pro_emulator.limits import PER_DAY, PER_WINDOW, WINDOW_SECONDS, RateLimiter
from facturation_pro_emulator.store import Store
from facturation_pro_emulator.world import build_world, load_fixture, seed

PER_PAGE = 50  # "par groupe de 50 résultats"


@dataclass
class Config:
    # [U] the API takes no per_page parameter; tests shrink pages through the admin API.
    per_page: int = PER_PAGE


class Emulator:
    def __init__(self, db_path: str | Path, fixture_path: str | Path | None = None):
        self.fixture_path = fixture_path
        self.clock = Clock()
        self.store = Store(db_path)
        self.config = Config()
        self.faults = FaultBook()
        self.calls = CallLog()
        self.limits = RateLimiter(self.clock)
        document = self.store.stored_world()
        if document is None:
            document = self._seed()
        self.world = build_world(document)

    def _seed(self) -> dict:
        document = load_fixture(self.fixture_path)
        with self.store.transaction():
            self.store.wipe(document)
            seed(self.store, document, self.clock.today())
        return self.store.stored_world()

    def reset(self) -> None:
        """Reload the fixture; forget every change, fault, count, quota use and setting."""
        self.clock.rewind()
        self.world = build_world(self._seed())
        self.faults.clear()
        self.calls.clear()
        self.config = Config()
        self.limits.configure(PER_WINDOW, WINDOW_SECONDS, PER_DAY)
