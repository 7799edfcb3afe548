"""Cache backends that count hits and misses: Django's own, plus one counter per lookup.

(django-prometheus' backend for Django's Redis cache imports django-redis, which this project
does not use, and counts under other metric names.)
"""

from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from .metrics import CACHE_LOOKUPS

_MISSING = object()


class _CountGets:
    """Counts each get() as a hit or a miss (Django's default get_many() calls get())."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        value = super().get(key, _MISSING, version)  # type: ignore[misc]
        CACHE_LOOKUPS.labels("miss" if value is _MISSING else "hit").inc()
        return default if value is _MISSING else value


class InstrumentedLocMemCache(_CountGets, LocMemCache):
    pass


class InstrumentedRedisCache(_CountGets, RedisCache):
    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        # Redis answers get_many() in one round trip, without get(): count it here.
        keys = list(keys)
        found: dict[str, Any] = super().get_many(keys, version)
        CACHE_LOOKUPS.labels("hit").inc(len(found))
        CACHE_LOOKUPS.labels("miss").inc(len(keys) - len(found))
        return found
