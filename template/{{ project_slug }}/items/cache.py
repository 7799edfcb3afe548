"""Cache keys of the example app, in one place so readers and invalidation cannot drift apart."""

from django.core.cache import cache

SUMMARY_TIMEOUT = 60 * 15


def collection_summary_key(collection_id: int) -> str:
    # The version moves with the cached value's type, so no release reads another's entries.
    return f"items:collection-summary:v2:{collection_id}"


def invalidate_collection(collection_id: int) -> None:
    cache.delete(collection_summary_key(collection_id))
