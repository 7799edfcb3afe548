"""Writes of the example app.

Each service validates, writes inside one transaction, and after the commit invalidates the
cached reads it affects and sends its domain event (signals.py). Callers pass keyword arguments
only, and ownership is checked here so every entry point (views, APIs, tasks) gets the same rule.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ..users.models import User
from . import signals
from .cache import invalidate_collection
from .models import Collection, Item, Tag


@transaction.atomic
def collection_create(*, owner: User, name: str) -> Collection:
    collection = Collection(owner=owner, name=name)
    collection.full_clean()
    collection.save()
    return collection


@transaction.atomic
def item_create(
    *,
    collection: Collection,
    created_by: User,
    name: str,
    price: Decimal,
    currency: str = "EUR",
    tags: Iterable[str] = (),
    metadata: dict[str, Any] | None = None,
) -> Item:
    _require_owner(collection=collection, user=created_by)
    item = Item(
        collection=collection,
        created_by=created_by,
        name=name,
        price=price,
        currency=currency.upper(),
        metadata=metadata or {},
    )
    item.full_clean()
    item.save()
    item.tags.set(_tags_named(tags))
    _after_commit(item, signals.item_created)
    return item


@transaction.atomic
def item_update(
    *,
    item: Item,
    user: User,
    name: str | None = None,
    price: Decimal | None = None,
    currency: str | None = None,
    tags: Iterable[str] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Item:
    """Change the given fields of an item; fields left as None keep their value."""
    _require_owner(collection=item.collection, user=user)
    if name is not None:
        item.name = name
    if price is not None:
        item.price = price
    if currency is not None:
        item.currency = currency.upper()
    if metadata is not None:
        item.metadata = metadata
    item.full_clean()
    item.save()
    if tags is not None:
        item.tags.set(_tags_named(tags))
    _after_commit(item, signals.item_updated)
    return item


@transaction.atomic
def item_delete(*, item: Item, user: User) -> None:
    collection = item.collection
    _require_owner(collection=collection, user=user)
    item_id = item.pk
    item.delete()

    def notify() -> None:
        invalidate_collection(collection.pk)
        signals.item_deleted.send(
            sender=Item, item_id=item_id, collection_id=collection.pk, owner_id=collection.owner_id
        )

    transaction.on_commit(notify)


def _require_owner(*, collection: Collection, user: User) -> None:
    if collection.owner_id != user.pk:
        raise PermissionDenied("Only the owner of a collection can change its items.")


def _tags_named(names: Iterable[str]) -> list[Tag]:
    wanted = sorted({name.strip().lower() for name in names if name.strip()})
    if not wanted:
        return []
    for name in wanted:
        try:
            Tag(name=name).clean_fields()  # a slug: letters, digits, hyphens, underscores
        except ValidationError as error:
            raise ValidationError({"tags": [f"{name!r}: {m}" for m in error.messages]}) from error
    # ignore_conflicts makes concurrent creation of the same tag safe; read them all back after.
    Tag.objects.bulk_create([Tag(name=name) for name in wanted], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=wanted))


def _after_commit(item: Item, signal: Any) -> None:
    def notify() -> None:
        invalidate_collection(item.collection_id)
        signal.send(sender=Item, item=item)

    transaction.on_commit(notify)
