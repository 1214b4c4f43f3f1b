"""The emulator's state: the world, the store, the clock, tokens, faults and call counts."""

import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from chorus_emulator import flows, invoices, works_flow
from chorus_emulator.clock import Clock
from chorus_emulator.faults import CallLog, FaultBook
from chorus_emulator.store import Store
from chorus_emulator.world import build_world, load_fixture, resolve_fixture

# contract §5.12 [S]: a download bundle must stay under 120 MB, otherwise HTTP 413.
MAX_DOWNLOAD_BYTES = 120 * 1024 * 1024


@dataclass
class Config:
    token_ttl: int = 3600  # contract §1.2 [C]
    max_download_bytes: int = MAX_DOWNLOAD_BYTES
    # contract §2/§12: the real API sometimes sends one-element lists as bare objects; off by
    # default, switched on through /_emulator/config to test a client's tolerance.
    bare_single_lists: bool = False
    # contract-works-and-new-apis §3.3 [U]: an unknown commitment number answers 200
    # {"existe": false}; switched on, a 404 instead (a client should cope with both).
    commitment_existence_404: bool = False
    # contract §1.1 [S]: a PISTE application reaches only the APIs it is subscribed to; annexe
    # v6.1 §1.7 gives 403 for a resource the gateway will not serve. Names of APIs ("engagements",
    # the first segment after /cpro/) this application is not subscribed to: each of their calls
    # answers the gateway's 403 before Chorus Pro sees it.
    unsubscribed_apis: tuple[str, ...] = ()
    # Every API call (the token too) answers after this many milliseconds: PISTE's usual pace
    # is a few hundred (issue 16), which is what sets a client's throughput, not its CPU.
    latency_ms: int = 0
    # contract-works-and-new-apis §2.4 [U]: the Structures API is to be decommissioned "d'ici
    # 2027". Switched on, every /cpro/structures/v1/* call is answered as PISTE answers a path it
    # does not know (annex v6.1 §1.7: 403), while the Référentiel des Organisations keeps
    # serving the same world.
    structures_api_off: bool = False


class Emulator:
    def __init__(self, db_path: str | Path, fixture_path: str | Path | None = None,
                 clock: Clock | None = None, token_ttl: int = 3600):
        self.fixture_path = fixture_path
        self.clock = clock or Clock("realtime")
        self.store = Store(db_path)
        self.defaults = Config(token_ttl=token_ttl)
        self.config = Config(**vars(self.defaults))
        self.faults = FaultBook()
        self.calls = CallLog()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._tokens_lock = threading.Lock()
        document = self.store.stored_world()
        if document is None:
            document = resolve_fixture(load_fixture(fixture_path))
            self.store.replace_world(document)
        self.world = build_world(document)

    def reset(self) -> None:
        """Reload the fixture and forget every invoice, flow, fault and call count.
        Tokens survive, so a client holding a token keeps working across tests."""
        document = resolve_fixture(load_fixture(self.fixture_path))
        self.store.replace_world(document)
        self.world = build_world(document)
        self.faults.clear()
        self.calls.clear()
        self.config = Config(**vars(self.defaults))
        self.clock.rewind_to_wall_clock()

    # tokens -------------------------------------------------------------------------------
    def issue_token(self, client_id: str) -> str:
        token = secrets.token_urlsafe(32)
        expires_at = self.clock.now() + self.config.token_ttl
        with self._tokens_lock:
            self._tokens[token] = (client_id, expires_at)
        return token

    def token_state(self, token: str) -> str:
        """'valid', 'expired' or 'unknown'. Expiry follows the emulated clock, so advancing the
        clock past the TTL expires tokens without sleeping."""
        with self._tokens_lock:
            entry = self._tokens.get(token)
        if entry is None:
            return "unknown"
        return "valid" if self.clock.now() < entry[1] else "expired"

    # asynchronous life --------------------------------------------------------------------
    def process_due(self) -> int:
        """Apply every step of invoices and flows that is due at the emulated now."""
        now = self.clock.now()
        with self.store.transaction():
            applied = 0
            while True:
                step = flows.apply_due_steps(self, now) + invoices.apply_due_steps(
                    self.store, self.clock, now) + works_flow.apply_due_steps(self, now)
                if not step:
                    return applied
                applied += step

    def advance(self, seconds: float) -> float:
        now = self.clock.advance(seconds)
        self.process_due()
        return now

    def set_clock(self, moment: float) -> float:
        """Set the emulated now and apply the steps due by then, each at its own due time."""
        now = self.clock.set(moment)
        self.process_due()
        return now
