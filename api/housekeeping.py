"""What the API keeps, kept bounded: calls older than API_CALLS_KEPT_DAYS, expired access
tokens and past rate-limit windows are deleted once a day (api/tasks.py, portal/celery.py)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from api.models import ApiAccessToken, ApiCall, ApiRateCount

PRUNE_TASK = "api.prune"


def api_records_prune(*, now=None) -> dict[str, int]:
    """Delete what no one needs any more; returns the counts deleted. Safe to run twice."""
    now = now or timezone.now()
    calls, _ = ApiCall.objects.filter(
        at__lt=now - timedelta(days=settings.API_CALLS_KEPT_DAYS)
    ).delete()
    tokens, _ = ApiAccessToken.objects.filter(expires_at__lt=now).delete()
    counts, _ = ApiRateCount.objects.filter(starts_at__lt=now - timedelta(days=2)).delete()
    return {"calls": calls, "tokens": tokens, "rate_counts": counts}
