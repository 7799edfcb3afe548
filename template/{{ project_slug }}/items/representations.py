"""How the example app's objects look to a client: written once, here, and built from the models.

Every front end adapts these instead of restating the fields: the JSON views answer to_json() of
them, the REST API's serializers are generated from them, and the events of events.py carry them.
Each is a frozen dataclass, built from a model whose relations the selectors have loaded (no
query of its own).
"""

from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .models import Collection, Item


@dataclass(frozen=True, kw_only=True)
class CollectionId:
    id: int


@dataclass(frozen=True, kw_only=True)
class CollectionName(CollectionId):
    name: str


@dataclass(frozen=True, kw_only=True)
class CollectionRef(CollectionName):
    owner: str  # the owner's username

    @classmethod
    def of(cls, collection: Collection) -> "CollectionRef":
        return cls(id=collection.pk, name=collection.name, owner=collection.owner.username)


@dataclass(frozen=True, kw_only=True)
class CollectionData(CollectionRef):
    created_at: datetime

    @classmethod
    def of(cls, collection: Collection) -> "CollectionData":
        ref = CollectionRef.of(collection)
        return cls(id=ref.id, name=ref.name, owner=ref.owner, created_at=collection.created_at)


@dataclass(frozen=True, kw_only=True)
class CollectionSummary:
    collection: CollectionName
    items: int
    total_value: Decimal
    tags: dict[str, int]  # items per tag, the most used first


@dataclass(frozen=True, kw_only=True)
class ItemData:
    id: int
    name: str
    price: Decimal
    currency: str
    collection: CollectionRef
    created_by: str  # the creator's username
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: Item) -> "ItemData":
        return cls(
            id=item.pk,
            name=item.name,
            price=item.price,
            currency=item.currency,
            collection=CollectionRef.of(item.collection),
            created_by=item.created_by.username,
            # .all() reads the tags prefetched by selectors.item_list: no query per item.
            tags=[tag.name for tag in item.tags.all()],
            metadata=item.metadata,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


@dataclass(frozen=True, kw_only=True)
class ItemBrief:
    """An item as an event tells of it: what changed, without its relations' details."""

    id: int
    name: str
    price: Decimal
    currency: str
    collection: CollectionName

    @classmethod
    def of(cls, item: Item) -> "ItemBrief":
        return cls(
            id=item.pk,
            name=item.name,
            price=item.price,
            currency=item.currency,
            collection=CollectionName(id=item.collection_id, name=item.collection.name),
        )


@dataclass(frozen=True, kw_only=True)
class DeletedItem:
    """An item that is gone: only its ids are left."""

    id: int
    collection: CollectionId


def to_json(value: Any) -> Any:
    """A representation as JSON values: decimals as strings ("9.50"), times in ISO 8601."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_json(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [to_json(element) for element in value]
    if isinstance(value, dict):
        return {key: to_json(element) for key, element in value.items()}
    return value
