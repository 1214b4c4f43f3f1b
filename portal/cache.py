"""The production cache: Redis, with this process's memory standing in while Redis is unreachable.

Everything the portal keeps in the cache can be rebuilt (list summaries, Chorus Pro's reference
lists) or is worth keeping per process rather than not at all (login throttling counts): a Redis
outage must cost sharing between processes, not pages that answer 500. The outage is logged, at
most once a minute per process, and Redis is tried again every few seconds.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, go straight to memory for this long: when Redis's host does not answer at
# all, each attempt would otherwise wait for the connection timeout.
RETRY_AFTER_SECONDS = 5
LOG_EVERY_SECONDS = 60


@dataclass
class _Outage:
    redis_skipped_until: float = 0.0
    logged_at: float = float("-inf")


# Per Redis server and per process: Django makes one backend object per thread.
_outages: dict[str, _Outage] = defaultdict(_Outage)


def _redis_or_memory(name: str):
    def method(self, *args, **kwargs):
        return self._either(name, *args, **kwargs)

    method.__name__ = name
    return method


class RedisWithLocalFallbackCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache("portal-redis-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._outage = _outages[str(server)]

    def redis_ping(self) -> None:
        """Raises ``RedisError`` when Redis cannot be reached (the health check's question)."""
        self._cache.get_client(write=True).ping()

    def _either(self, name: str, *args, **kwargs):
        now, outage = time.monotonic(), self._outage
        if now >= outage.redis_skipped_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except RedisError as error:
                outage.redis_skipped_until = now + RETRY_AFTER_SECONDS
                if now - outage.logged_at >= LOG_EVERY_SECONDS:
                    outage.logged_at = now
                    logger.error(
                        "Redis is unreachable (%s): the cache works in this process's memory "
                        "until it is back.",
                        error,
                    )
        return getattr(self._local, name)(*args, **kwargs)

    add = _redis_or_memory("add")
    get = _redis_or_memory("get")
    set = _redis_or_memory("set")
    touch = _redis_or_memory("touch")
    delete = _redis_or_memory("delete")
    get_many = _redis_or_memory("get_many")
    has_key = _redis_or_memory("has_key")
    incr = _redis_or_memory("incr")
    set_many = _redis_or_memory("set_many")
    delete_many = _redis_or_memory("delete_many")
    clear = _redis_or_memory("clear")
