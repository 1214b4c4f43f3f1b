"""Old call records, expired tokens and past rate windows are pruned once a day."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from api.housekeeping import PRUNE_TASK, api_records_prune
from api.models import ApiAccessToken, ApiCall, ApiKey, ApiRateCount
from portal.celery import app


def test_what_is_past_is_pruned_and_the_rest_kept(api, settings):
    settings.API_CALLS_KEPT_DAYS = 30
    api.get("me")
    api_key = ApiKey.objects.get()
    now = timezone.now()
    ApiCall.objects.create(
        api_key=api_key,
        method="GET",
        path="/old",
        status=200,
        duration_ms=1,
        at=now - timedelta(days=31),
    )
    ApiAccessToken.objects.create(api_key=api_key, token_hash="x", expires_at=now)
    ApiRateCount.objects.create(
        api_key=api_key, window="day", starts_at=datetime(2020, 1, 1, tzinfo=UTC), count=3
    )
    pruned = api_records_prune(now=now + timedelta(seconds=1))
    assert pruned == {"calls": 1, "tokens": 1, "rate_counts": 1}
    assert list(ApiCall.objects.values_list("path", flat=True)) == ["/api/v1/me"]
    assert ApiRateCount.objects.count() == 2  # this request's 5 minutes and day
    assert api_records_prune(now=now) == {"calls": 0, "tokens": 0, "rate_counts": 0}


def test_the_beat_runs_it_once_a_day():
    assert any(entry["task"] == PRUNE_TASK for entry in app.conf.beat_schedule.values())
