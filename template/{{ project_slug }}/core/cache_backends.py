"""Cache backends of the project: Django's own, counting hits and misses, and failing soft.

Hits and misses: one counter per lookup. (django-prometheus' backend for Django's Redis cache
imports django-redis, which this project does not use, and counts under other metric names.)

Failing soft: nothing the project keeps in the cache is needed to answer a request (it holds
copies of database reads, throttle counters, cached sessions), so Redis being unreachable must not
turn requests into errors. While it is, reads miss and writes are skipped, each counted in
`django_cache_unavailable_total` and logged as a warning at most once a minute per process (the
backends Django makes per thread share one state, `_Breaker`). The
backend tries Redis again every RETRY_SECONDS (in between, it does not wait on a dead socket), and
uses it as soon as it answers: no restart.

No stale value outlives a write skipped while Redis was away (a set, or a delete that invalidated
a cached copy, skipped by this process or another): a process that found Redis unreachable
removes every key of the cache (those under its KEY_PREFIX, nothing else in that Redis database)
before it serves anything from Redis again. Every process that makes a cache call while Redis is
away finds it so, and with sessions cached every signed-in request makes one; a process that made
none during the outage reads what the others left (docs/resilience.md). The cache is cold after
an outage: reads fall through to the database until it is warm again.

One connection pool per process: Django makes a cache backend per thread and, under ASGI, per
request (its backends are context-local), and each of Django's Redis backends opens a pool of its
own, so every ASGI request opened a new connection to Redis. The backends of a process share one
client and its pool (redis-py's pool is thread-safe and starts afresh in a forked child).

One redis-py client per pool, too: Django's client makes a `redis.Redis` for every command, and
each one builds a table of some 200 reply callbacks: 65 µs here, 0.3 ms of the 2.5 ms of CPU of a
cached read, which makes five commands. A redis-py client is safe to share between threads.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, TypeVar, cast

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .metrics import CACHE_LOOKUPS, CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

_MISSING = object()
T = TypeVar("T")

# What Redis being away (refused, reset, timed out, still loading its data) raises.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _CountGets:
    """Counts each get() as a hit or a miss (Django's default get_many() calls get())."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        value = super().get(key, _MISSING, version)  # type: ignore[misc]
        CACHE_LOOKUPS.labels("miss" if value is _MISSING else "hit").inc()
        return default if value is _MISSING else value


class InstrumentedLocMemCache(_CountGets, LocMemCache):
    pass


@dataclass
class _Breaker:
    """Whether one Redis cache is reachable, for the whole process.

    Django makes a cache backend per thread; they share this, so a process finds Redis away
    once, warns once a minute, and clears once when it is back.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    down_since: float | None = None  # monotonic time of the first failure
    retry_at: float = 0.0
    warned_at: float | None = None
    skipped: int = 0  # operations answered without Redis since the last warning


_breakers: dict[tuple[str, str], _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(server: str, key_prefix: str) -> _Breaker:
    with _breakers_lock:
        return _breakers.setdefault((server, key_prefix), _Breaker())


class _RedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping the redis-py client of each pool instead of making one
    per command."""

    def __init__(self, servers: Any, **options: Any) -> None:
        super().__init__(servers, **options)
        self._redis_clients: dict[int, Any] = {}  # by id() of the pool, which lives as long

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client = cast(Any, self)  # attributes Django's stubs do not declare
        pool = django_client._get_connection_pool(write)
        client = self._redis_clients.get(id(pool))
        if client is None:
            made = django_client._client(connection_pool=pool)
            client = self._redis_clients.setdefault(id(pool), made)
        return client


# Django's Redis client (one connection pool per server), one per LOCATION and OPTIONS.
_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache that keeps nothing while Redis is away.

    Reads miss (get() answers its default, has_key() False, incr() raises ValueError as for a
    missing key), writes are skipped (add() answers False, set_many() every key).
    """

    # Seconds between two attempts to reach Redis once it failed.
    RETRY_SECONDS = 5.0
    # Seconds between two warnings of one process while Redis stays away.
    WARN_SECONDS = 60.0
    # Keys removed per DEL when a process clears what may be stale.
    CLEAR_BATCH = 500

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._breaker = _breaker(server, self.key_prefix)
        self._class = _RedisCacheClient

    @cached_property
    def _cache(self) -> Any:
        """The process's client for this LOCATION and OPTIONS, made by the first backend."""
        backend = cast(Any, self)  # Django's attributes, which its stubs do not declare
        key = (repr(backend._servers), repr(sorted(backend._options.items())))
        with _clients_lock:
            if key not in _clients:
                _clients[key] = backend._class(backend._servers, **backend._options)
            return _clients[key]

    # The operations, each with what it answers without Redis.

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", default, partial(RedisCache.get, self, key, default, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._guard("get_many", {}, partial(RedisCache.get_many, self, keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", False, partial(RedisCache.has_key, self, key, version))

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guard(
            "add", False, partial(RedisCache.add, self, key, value, timeout, version)
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guard("set", None, partial(RedisCache.set, self, key, value, timeout, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # The keys not stored, as Django's API says.
        return self._guard(
            "set_many", list(data), partial(RedisCache.set_many, self, data, timeout, version)
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard("touch", False, partial(RedisCache.touch, self, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", False, partial(RedisCache.delete, self, key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        keys = list(keys)
        self._guard("delete_many", None, partial(RedisCache.delete_many, self, keys, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # Without Redis the key is not there: incr() raises ValueError, as for any missing key.
        found: Any = self._guard(
            "incr", _MISSING, partial(RedisCache.incr, self, key, delta, version)
        )
        if found is _MISSING:
            raise ValueError(f"Key '{key}' not found.")
        return int(found)

    def clear(self) -> None:
        self._guard("clear", None, partial(RedisCache.clear, self))

    # The breaker.

    @property
    def available(self) -> bool:
        """Whether the last call reached Redis (False from a failure until Redis answers again)."""
        return self._breaker.down_since is None

    def _guard(self, operation: str, fallback: T, call: Callable[[], T]) -> T:
        if self._breaker.down_since is not None and not self._reconnect():
            return self._skip(operation, fallback)
        try:
            return call()
        except UNAVAILABLE as error:
            self._failed(error)
            return self._skip(operation, fallback)

    def _reconnect(self) -> bool:
        """Whether Redis may be used again: clears what may be stale first."""
        breaker = self._breaker
        with breaker.lock:
            if breaker.down_since is None:
                return True  # another thread got there first
            now = time.monotonic()
            if now < breaker.retry_at:
                return False
            breaker.retry_at = now + self.RETRY_SECONDS
            try:
                removed = self._clear_stale()
            except UNAVAILABLE:
                return False
            logger.warning(
                "the cache is reachable again after %.0f s; %d keys that may be stale removed",
                now - breaker.down_since,
                removed,
            )
            breaker.down_since, breaker.skipped = None, 0
            return True

    def _clear_stale(self) -> int:
        # The client of Django's backend (its stubs do not declare it on every Django line).
        client = cast(Any, self)._cache.get_client(None, write=True)
        removed = 0
        batch: list[Any] = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=self.CLEAR_BATCH):
            batch.append(key)
            if len(batch) == self.CLEAR_BATCH:
                removed += client.delete(*batch)
                batch = []
        if batch:
            removed += client.delete(*batch)
        return int(removed)

    def _failed(self, error: BaseException) -> None:
        breaker = self._breaker
        with breaker.lock:
            now = time.monotonic()
            if breaker.down_since is None:
                breaker.down_since, breaker.warned_at = now, None
            breaker.retry_at = now + self.RETRY_SECONDS
            if breaker.warned_at is None or now - breaker.warned_at >= self.WARN_SECONDS:
                breaker.warned_at = now
                logger.warning(
                    "the cache is unreachable (%s: %s): reads miss and writes are skipped "
                    "until it answers; %d operations answered without it since the last warning",
                    type(error).__name__,
                    error,
                    breaker.skipped,
                )
                breaker.skipped = 0

    def _skip(self, operation: str, fallback: T) -> T:
        self._breaker.skipped += 1
        CACHE_UNAVAILABLE.labels(operation).inc()
        return fallback


class InstrumentedRedisCache(_CountGets, FailSoftRedisCache):
    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        # Redis answers get_many() in one round trip, without get(): count it here.
        keys = list(keys)
        found: dict[str, Any] = super().get_many(keys, version)
        CACHE_LOOKUPS.labels("hit").inc(len(found))
        CACHE_LOOKUPS.labels("miss").inc(len(keys) - len(found))
        return found
