"""The example app's cached reads: two levels, with versioned keys, in one place.

Level 1 is a bounded dictionary in each process (LOCAL_ENTRIES values at most, the least
recently used dropped first); level 2 is the default cache, Redis when REDIS_URL is set, shared
by every process. Each cached read belongs to a namespace with a version, a random token kept in
level 2: the read asks level 2 for the version (one small GET), then looks for its value under
that version in level 1, then in level 2, and only then computes it and stores it in both. A
write gives the namespace a new version once its transaction has committed (services.py), so
that no process reads the old values again, whatever it holds: they are left to expire.

What is cached, and for how long (docs/scaling.md says the same):

- the pages of the item list, by their full URL (they depend on no user): namespace "items",
  LIST_TIMEOUT;
- the answers of GraphQL queries that read only the item list, by their document, variables and
  user (graphql_api/views.py): namespace "items", LIST_TIMEOUT;
- a collection's summary: namespace "collection:<id>", SUMMARY_TIMEOUT.

Without a version (the default cache unreachable, which the project's cache backend answers as
a miss), nothing is read from or stored in level 1: a write that could not move the version
would otherwise leave it serving an old value.
"""

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

# How long the level-2 (and level-1) copy of each value lives, in seconds.
LIST_TIMEOUT = 60
SUMMARY_TIMEOUT = 60 * 15
# How many values each process keeps; a page of 20 items is about 20 kB.
LOCAL_ENTRIES = 1000
# The format of cached values: changed with their type, so no release reads another's entries.
FORMAT = "v3"
ITEMS = "items"


class LocalCache:
    """A bounded, thread-safe dictionary whose entries expire: level 1."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        """The value under `key`, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def set(self, key: str, value: Any, timeout: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + timeout, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


local = LocalCache(LOCAL_ENTRIES)


def collection_namespace(collection_id: int) -> str:
    return f"collection:{collection_id}"


def _version_key(namespace: str) -> str:
    return f"items:version:{namespace}"


def version(namespace: str) -> str | None:
    """The namespace's current version; None when the default cache does not answer."""
    key = _version_key(namespace)
    current: str | None = cache.get(key)
    if current is None:
        # Never stored, or evicted: a new random one, so no earlier value can match it.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        current = cache.get(key)
    return current


def cached(
    namespace: str,
    key: str,
    compute: Callable[[], Any],
    timeout: int,
    keep: Callable[[Any], bool] | None = None,
) -> Any:
    """The value of `key` in `namespace`, from level 1, level 2, or `compute()`; a computed value
    is stored unless `keep` says otherwise (an answer that holds errors, say).

    A value from level 1 is the same object for every request of the process: read it, never
    change it.
    """
    current = version(namespace)
    if current is None:
        return compute()
    full_key = f"items:{FORMAT}:{namespace}:{current}:{key}"
    value = local.get(full_key)
    if value is None:
        value = cache.get(full_key)
        if value is None:
            value = compute()
            if keep is not None and not keep(value):
                return value
            cache.set(full_key, value, timeout=timeout)
        local.set(full_key, value, timeout)
    return value


def page_key(url: str) -> str:
    """The key of a page by its full URL (its links name the host): hashed, to bound its length."""
    return hashlib.sha256(url.encode()).hexdigest()


def invalidate(*namespaces: str) -> None:
    """Give each namespace a new version: every process stops reading its old values."""
    for namespace in namespaces:
        cache.set(_version_key(namespace), uuid.uuid4().hex, timeout=None)


def user_changed(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """post_save of the user model: list pages show owners' and creators' names. A sign-in only
    stamps last_login, which no list shows."""
    if update_fields is None or set(update_fields) != {"last_login"}:
        invalidate(ITEMS)


def invalidate_collection(collection_id: int) -> None:
    """After a change to a collection's items: its summary and every page of the item list."""
    invalidate(ITEMS, collection_namespace(collection_id))
