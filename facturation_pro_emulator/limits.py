"""Request quotas per account: "600 requêtes par période de 5 minutes" and "10000 requêtes par
jour", answered with ``X-RateLimit-Limit`` / ``X-RateLimit-Remaining`` and, past either, 429.

[U] the doc does not say how windows are cut nor which quota the headers count: windows are
fixed (5-minute slices of the epoch, and the calendar day in Paris, as Rack::Attack does), the
headers describe whichever quota has fewer requests left, a refused request is not counted, and
the 429 carries ``Retry-After``: the seconds until the exhausted window ends.
"""

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from facturation_pro_emulator.clock import PARIS

PER_WINDOW = 600
WINDOW_SECONDS = 300
PER_DAY = 10_000


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int = 0

    def headers(self) -> dict[str, str]:
        headers = {"X-RateLimit-Limit": str(self.limit),
                   "X-RateLimit-Remaining": str(self.remaining)}
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    def __init__(self, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self.configure(PER_WINDOW, WINDOW_SECONDS, PER_DAY)

    def configure(self, per_window: int, window_seconds: int, per_day: int) -> None:
        if min(per_window, window_seconds, per_day) < 1:
            raise ValueError("rate limits are positive integers")
        with self._lock:
            self.per_window, self.window_seconds, self.per_day = (
                per_window, window_seconds, per_day)
            self._counts: dict[tuple, int] = {}

    def settings(self) -> dict:
        return {"per_window": self.per_window, "window_seconds": self.window_seconds,
                "per_day": self.per_day}

    def hit(self, key: str) -> Decision:
        """Count one request of ``key`` if both quotas allow it."""
        now = self.clock.now()
        window = int(now // self.window_seconds)
        moment = datetime.fromtimestamp(now, tz=PARIS)
        day = moment.date()
        with self._lock:
            used_window = self._counts.get((key, "window", window), 0)
            used_day = self._counts.get((key, "day", day), 0)
            waits = []
            if used_window >= self.per_window:
                waits.append((window + 1) * self.window_seconds - now)
            if used_day >= self.per_day:
                midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), PARIS)
                waits.append(midnight.timestamp() - now)
            if waits:
                limit = self.per_day if used_day >= self.per_day else self.per_window
                return Decision(False, limit, 0, max(1, math.ceil(max(waits))))
            # Old windows are dropped as time moves on, so memory stays bounded.
            self._counts = {k: v for k, v in self._counts.items()
                            if k[2] == (day if k[1] == "day" else window)}
            self._counts[(key, "window", window)] = used_window + 1
            self._counts[(key, "day", day)] = used_day + 1
        left_window = self.per_window - used_window - 1
        left_day = self.per_day - used_day - 1
        if left_window <= left_day:
            return Decision(True, self.per_window, left_window)
        return Decision(True, self.per_day, left_day)
