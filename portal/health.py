"""What the health check reports: the database, the cache, the Celery broker, and the heartbeats
of the workers and of beat.

A worker records its heartbeat from a timer of its own (portal/celery.py); the task beat
schedules records beat's. Beat's heartbeat therefore also needs a worker to run it, and is only
telling while the workers' own heartbeat is fresh.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from portal.cache import RedisWithLocalFallbackCache

logger = logging.getLogger(__name__)

HEARTBEAT_KEYS = {"worker": "portal:heartbeat:worker", "beat": "portal:heartbeat:beat"}
HEARTBEAT_SECONDS = 30
# Four missed beats: a busy machine may delay one or two.
HEARTBEAT_LATE_AFTER = timedelta(seconds=4 * HEARTBEAT_SECONDS)

OK, DOWN, LATE, NEVER, UNKNOWN = "ok", "down", "late", "never seen", "unknown"


def heartbeat_record(*, source: str) -> None:
    cache.set(HEARTBEAT_KEYS[source], timezone.now().isoformat(), timeout=None)


def heartbeat_last_seen(*, source: str) -> datetime | None:
    value = cache.get(HEARTBEAT_KEYS[source])
    return datetime.fromisoformat(value) if value else None


def health_report() -> dict:
    """Each part's state, and the whole: ``down`` when the database, the cache or the broker
    fails (pages and sending cannot work), ``degraded`` when only the background processes are
    late or gone (pages work, sending and syncing wait), ``ok`` otherwise."""
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    checks.update(_heartbeats(cache_up=checks["cache"]["status"] == OK))
    if any(checks[part]["status"] != OK for part in ("database", "cache", "broker")):
        status = DOWN
    elif any(checks[part]["status"] != OK for part in ("workers", "beat")):
        status = "degraded"
    else:
        status = OK
    return {"status": status, "checks": checks}


def _failed(part: str, error: Exception) -> dict:
    # The health check answers anyone: the kind of error only, never addresses or credentials.
    logger.error("Health check: %s is down: %s", part, error)
    return {"status": DOWN, "error": type(error).__name__}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return _failed("database", error)
    return {"status": OK}


def _cache() -> dict:
    backend = caches["default"]
    probe = "portal:health-probe"
    value = timezone.now().isoformat()
    try:
        if isinstance(backend, RedisWithLocalFallbackCache):
            # Its fallback would answer the probe: ask Redis itself.
            backend.redis_ping()
        else:
            backend.set(probe, value, timeout=60)
            if backend.get(probe) != value:
                return {"status": DOWN, "error": "value not kept"}
    except (RedisError, OSError) as error:
        return _failed("cache", error)
    return {"status": OK}


def _broker() -> dict:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(settings.CELERY_BROKER_URL, transport_options=options) as broker:
            broker.ensure_connection(max_retries=0)
    except (OperationalError, OSError) as error:
        return _failed("broker", error)
    return {"status": OK}


def _heartbeats(*, cache_up: bool) -> dict:
    if not cache_up:
        # The heartbeats live in the cache: nothing can be said about the processes.
        return {part: {"status": UNKNOWN, "last_seen": None} for part in ("workers", "beat")}
    now = timezone.now()
    states = {}
    for part, source in (("workers", "worker"), ("beat", "beat")):
        last_seen = heartbeat_last_seen(source=source)
        if last_seen is None:
            status = NEVER
        else:
            status = OK if now - last_seen <= HEARTBEAT_LATE_AFTER else LATE
        states[part] = {
            "status": status,
            "last_seen": last_seen.isoformat() if last_seen else None,
        }
    if states["workers"]["status"] != OK and states["beat"]["status"] != OK:
        # Beat's heartbeat is recorded by a worker: without workers, beat may well be running.
        states["beat"]["status"] = UNKNOWN
    return states
