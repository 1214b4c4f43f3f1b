"""Emulated time: the wall clock plus an offset that only the admin API moves.

Rate-limit windows, "today" (due invoices) and record stamps all read this clock, so a test can
jump past a 5-minute window or a day without sleeping.
"""

import threading
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += float(seconds)
        return self.now()

    def rewind(self) -> None:
        with self._lock:
            self._offset = 0.0

    def moment(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=PARIS)

    def today(self) -> date:
        return self.moment().date()

    def stamp(self) -> str:
        return stamp(self.moment())


def stamp(moment: datetime) -> str:
    """``2026-11-29T10:15:00.123+01:00``: Rails' datetime(3) in the firm's zone."""
    return moment.astimezone(PARIS).isoformat(timespec="milliseconds")
