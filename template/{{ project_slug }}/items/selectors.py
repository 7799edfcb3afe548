"""Reads of the example app. Every read of a relation is loaded up front: no N+1 queries."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from . import cache
from .models import Collection, Item
from .representations import CollectionName, CollectionSummary


def item_list(*, collection_id: int | None = None, tag: str | None = None) -> QuerySet[Item]:
    """Items with their collection, owner, creator and tags, newest first."""
    items = Item.objects.select_related("collection__owner", "created_by").prefetch_related("tags")
    if collection_id is not None:
        items = items.filter(collection_id=collection_id)
    if tag:
        items = items.filter(tags__name=tag)
    return items


def item_get(*, item_id: int) -> Item:
    """One item with its relations; raises Item.DoesNotExist."""
    return item_list().get(pk=item_id)


def item_price_get(*, item_id: int) -> Item:
    """Only the item's price and currency (one query, no relations); raises Item.DoesNotExist."""
    return Item.objects.only("price", "currency").get(pk=item_id)


def item_last_modified(*, item_id: int) -> datetime | None:
    """The item's updated_at (None when it does not exist): one cheap query for conditional GET."""
    return Item.objects.filter(pk=item_id).values_list("updated_at", flat=True).first()


def collection_get(*, collection_id: int) -> Collection:
    return Collection.objects.select_related("owner").get(pk=collection_id)


def collection_summary(*, collection_id: int) -> CollectionSummary:
    """Item count, total value and tag counts of a collection, cached until an item changes."""
    summary: CollectionSummary = cache.cached(
        cache.collection_namespace(collection_id),
        "summary",
        lambda: _collection_summary(collection_id),
        cache.SUMMARY_TIMEOUT,
    )
    return summary


def _collection_summary(collection_id: int) -> CollectionSummary:
    collection = collection_get(collection_id=collection_id)
    items = Item.objects.filter(collection_id=collection_id)
    totals = items.aggregate(count=Count("id"), value=Sum("price"))
    tags = (
        items.values("tags__name")
        .exclude(tags__name=None)
        .annotate(count=Count("id"))
        .order_by("-count", "tags__name")
    )
    return CollectionSummary(
        collection=CollectionName(id=collection.pk, name=collection.name),
        items=totals["count"],
        total_value=(totals["value"] or Decimal(0)).quantize(Decimal("0.01")),
        tags={row["tags__name"]: row["count"] for row in tags},
    )
