"""Requests per key: 600 in 5 minutes and 10,000 a day by default (settings API_RATE_LIMIT_*),
counted in the database so that every web process and machine shares the count.

Fixed windows: each request increments its key's row for the current 5 minutes and the current
day with one conditional UPDATE each (the row is created on the window's first request), so two
processes never lose an increment. A refused request is not counted.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from api.models import ApiKey, ApiRateCount

FIVE_MINUTES = 300
DAY = 86400


@dataclass(frozen=True)
class RateState:
    allowed: bool
    limit: int
    remaining: int
    reset_in: int  # seconds until the tightest window starts again

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_in),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_in))
        return headers


def _windows(now: datetime) -> list[tuple[str, datetime, int, int]]:
    epoch = int(now.timestamp())
    five_start = epoch - epoch % FIVE_MINUTES
    day_start = epoch - epoch % DAY
    return [
        ("5m", five_start, settings.API_RATE_LIMIT_5_MINUTES, five_start + FIVE_MINUTES - epoch),
        ("day", day_start, settings.API_RATE_LIMIT_DAY, day_start + DAY - epoch),
    ]


def _increment(api_key: ApiKey, window: str, starts_at: datetime, limit: int) -> int | None:
    """The count after this request, or None when the window is full (nothing counted)."""
    rows = ApiRateCount.objects.filter(api_key=api_key, window=window, starts_at=starts_at)
    if rows.filter(count__lt=limit).update(count=F("count") + 1):
        return rows.values_list("count", flat=True).first()
    if rows.exists():
        return None
    try:
        with transaction.atomic():
            ApiRateCount.objects.create(
                api_key=api_key, window=window, starts_at=starts_at, count=1
            )
    except IntegrityError:
        # Another process made the row first: count on it.
        if rows.filter(count__lt=limit).update(count=F("count") + 1):
            return rows.values_list("count", flat=True).first()
        return None
    # A new day: forget the counts of the days before (their 5-minute windows too).
    if window == "day":
        ApiRateCount.objects.filter(
            api_key=api_key, starts_at__lt=starts_at - timedelta(days=1)
        ).delete()
    return 1


def rate_limit_take(*, api_key: ApiKey, now: datetime | None = None) -> RateState:
    """Count one request of ``api_key``; refused (and counted nowhere) past either limit."""
    now = now or timezone.now()
    states, counted = [], []
    for window, start, limit, reset_in in _windows(now):
        starts_at = datetime.fromtimestamp(start, tz=UTC)
        count = _increment(api_key, window, starts_at, limit)
        if count is None:
            for done_window, done_start in counted:
                ApiRateCount.objects.filter(
                    api_key=api_key, window=done_window, starts_at=done_start
                ).update(count=F("count") - 1)
            return RateState(allowed=False, limit=limit, remaining=0, reset_in=reset_in)
        counted.append((window, starts_at))
        states.append(
            RateState(allowed=True, limit=limit, remaining=max(0, limit - count), reset_in=reset_in)
        )
    # The headers name the window closest to its limit.
    return min(states, key=lambda state: (state.remaining, state.reset_in))
