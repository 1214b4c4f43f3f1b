"""Emulated time.

The emulator's "now" is the wall clock plus an offset that only the admin API moves. Using the
wall clock as the base keeps timestamps meaningful to clients that poll with their own clock
("changed since"), while the offset lets tests jump forward without sleeping.

Modes decide what drives the asynchronous life of invoices and flows:
- ``realtime``: a background thread applies a step every ``step_seconds`` (the demo);
- ``manual``: steps are applied only when the admin API advances the clock (tests);
- ``instant``: every step is applied as soon as it is scheduled.
"""

import threading
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MODES = ("realtime", "manual", "instant")


class Clock:
    def __init__(self, mode: str = "realtime", step_seconds: float = 5.0):
        if mode not in MODES:
            raise ValueError(f"unknown clock mode {mode!r}")
        self.mode = mode
        self.step_seconds = float(step_seconds)
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Current emulated time as an epoch, rounded to the millisecond like the API's stamps."""
        with self._lock:
            return round(time.time() + self._offset, 3)

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += float(seconds)
        return self.now()

    def set(self, moment: float) -> float:
        """Move the emulated now to ``moment`` (an epoch), backwards too: a demo history is
        replayed from its first day on, then the clock is set back to the wall clock."""
        with self._lock:
            self._offset = float(moment) - time.time()
        return self.now()

    def rewind_to_wall_clock(self) -> None:
        with self._lock:
            self._offset = 0.0

    @property
    def step_delay(self) -> float:
        return 0.0 if self.mode == "instant" else self.step_seconds


def to_paris(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=PARIS)


def iso_ms(ts: float) -> str:
    """``2019-07-11T15:45:39.674+02:00``: the format of dateHeureEtatCourant (contract §2)."""
    moment = to_paris(ts)
    return moment.isoformat(timespec="milliseconds")


def histo_stamp(ts: float) -> str:
    """``YYYY-MM-DD HH:MM``: history timestamps (contract §2)."""
    return to_paris(ts).strftime("%Y-%m-%d %H:%M")


def day(ts: float) -> str:
    return to_paris(ts).strftime("%Y-%m-%d")


def parse_moment(value: str, *, end_of_day: bool = False) -> float:
    """Parse a date or date-time filter into an epoch.

    Contract §2 says the period filters accept ``YYYY-MM-DD`` and ``YYYY-MM-DDTHH:MM:SS`` [S]; we
    also accept the ISO-with-offset form the API itself emits, so a client can send back the
    ``dateHeureEtatCourant`` it last saw. Naive values are read in Paris time. A bare date used as
    an upper bound means the end of that day.
    """
    text = value.strip().replace(" ", "T", 1) if "T" not in value else value.strip()
    if len(text) == 10:
        d = date.fromisoformat(text)
        moment = datetime(d.year, d.month, d.day, tzinfo=PARIS)
        if end_of_day:
            moment += timedelta(days=1) - timedelta(milliseconds=1)
        return moment.timestamp()
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(UTC).timestamp()
