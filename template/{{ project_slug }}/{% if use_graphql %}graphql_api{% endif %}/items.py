"""The example app in GraphQL: types, filters and orderings, queries and mutations.

Lists are resolved by strawberry-django, whose optimizer (on in schema.py) turns each query's
selection into one select_related/prefetch_related queryset, so nested lists cost the same number
of queries for any page size. Writes go through items/services.py, like every other entry point.
"""

from decimal import Decimal
from typing import Any

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from strawberry import Info
from strawberry.scalars import JSON

from ..items import selectors, services
from ..items.models import Collection, Item, Tag
from .pagination import BoundedOffsetPaginated
from .permissions import IsAuthenticated, signed_in_user
from .users import UserType


@strawberry_django.type(Tag, name="Tag")
class TagType:
    id: strawberry.auto
    name: strawberry.auto


@strawberry.type
class TagCount:
    name: str
    items: int


@strawberry.type
class CollectionSummary:
    items: int
    total_value: Decimal
    tags: list[TagCount]


@strawberry_django.type(Collection, name="Collection")
class CollectionType:
    id: strawberry.auto
    name: strawberry.auto
    created_at: strawberry.auto
    owner: UserType
    # Paged like the top-level lists (at most 100 per collection), in one windowed query.
    items: BoundedOffsetPaginated["ItemType"] = strawberry_django.offset_paginated()

    @strawberry_django.field(only=["id"])
    def summary(self, root: Collection) -> CollectionSummary:
        """Item count, total value and tag counts, served from the cache until an item changes."""
        summary = selectors.collection_summary(collection_id=root.pk)
        return CollectionSummary(
            items=summary.items,
            total_value=summary.total_value,
            tags=[TagCount(name=name, items=count) for name, count in summary.tags.items()],
        )


@strawberry_django.type(Item, name="Item")
class ItemType:
    id: strawberry.auto
    name: strawberry.auto
    price: strawberry.auto
    currency: strawberry.auto
    metadata: JSON
    created_at: strawberry.auto
    updated_at: strawberry.auto
    collection: CollectionType
    created_by: UserType
    tags: list[TagType]


@strawberry_django.filter_type(Tag, lookups=True)
class TagFilter:
    name: strawberry.auto


@strawberry_django.filter_type(Collection, lookups=True)
class CollectionFilter:
    id: strawberry.auto
    name: strawberry.auto


@strawberry_django.filter_type(Item, lookups=True)
class ItemFilter:
    name: strawberry.auto
    price: strawberry.auto
    currency: strawberry.auto
    collection: CollectionFilter | None
    tags: TagFilter | None


@strawberry_django.order_type(Item)
class ItemOrder:
    name: strawberry.auto
    price: strawberry.auto
    created_at: strawberry.auto


@strawberry_django.order_type(Collection)
class CollectionOrder:
    name: strawberry.auto
    created_at: strawberry.auto


@strawberry.input
class ItemInput:
    collection_id: strawberry.ID
    name: str
    price: Decimal
    currency: str = "EUR"
    tags: list[str] = strawberry.field(default_factory=list)
    metadata: JSON | None = None


@strawberry.input(description="The fields to change: those left out or null keep their value.")
class ItemPatch:
    name: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    tags: list[str] | None = None
    metadata: JSON | None = None


@strawberry.type
class ItemQuery:
    items: BoundedOffsetPaginated[ItemType] = strawberry_django.offset_paginated(
        filters=ItemFilter, ordering=ItemOrder, permission_classes=[IsAuthenticated]
    )
    collections: BoundedOffsetPaginated[CollectionType] = strawberry_django.offset_paginated(
        filters=CollectionFilter, ordering=CollectionOrder, permission_classes=[IsAuthenticated]
    )
    tags: list[TagType] = strawberry_django.field(permission_classes=[IsAuthenticated])

    @strawberry.field(graphql_type=ItemType | None, permission_classes=[IsAuthenticated])
    def item(self, id: strawberry.ID) -> Item | None:
        """One item, or null when there is no item with that id."""
        try:
            return selectors.item_get(item_id=_pk(id, "id"))
        except Item.DoesNotExist:
            return None

    @strawberry.field(graphql_type=CollectionType | None, permission_classes=[IsAuthenticated])
    def collection(self, id: strawberry.ID) -> Collection | None:
        """One collection, or null when there is no collection with that id."""
        try:
            return selectors.collection_get(collection_id=_pk(id, "id"))
        except Collection.DoesNotExist:
            return None


@strawberry.type
class ItemMutation:
    @strawberry.mutation(graphql_type=CollectionType, permission_classes=[IsAuthenticated])
    def create_collection(self, info: Info, name: str) -> Collection:
        """Create a collection of your own (its name must be new among yours)."""
        return services.collection_create(owner=signed_in_user(info), name=name)

    @strawberry.mutation(graphql_type=ItemType, permission_classes=[IsAuthenticated])
    def create_item(self, info: Info, input: ItemInput) -> Item:
        """Add an item to one of your collections."""
        collection = selectors.collection_get(
            collection_id=_pk(input.collection_id, "collectionId")
        )
        item = services.item_create(
            collection=collection,
            created_by=signed_in_user(info),
            name=input.name,
            price=input.price,
            currency=input.currency,
            tags=input.tags,
            metadata=_json_object(input.metadata),
        )
        return selectors.item_get(item_id=item.pk)

    @strawberry.mutation(graphql_type=ItemType, permission_classes=[IsAuthenticated])
    def update_item(self, info: Info, id: strawberry.ID, input: ItemPatch) -> Item:
        """Change an item of one of your collections."""
        item_id = _pk(id, "id")
        services.item_update(
            item=selectors.item_get(item_id=item_id),
            user=signed_in_user(info),
            name=input.name,
            price=input.price,
            currency=input.currency,
            tags=input.tags,
            metadata=_json_object(input.metadata),
        )
        return selectors.item_get(item_id=item_id)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    def delete_item(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        """Delete an item of one of your collections; answers its id."""
        services.item_delete(
            item=selectors.item_get(item_id=_pk(id, "id")), user=signed_in_user(info)
        )
        return id


def _pk(value: strawberry.ID, field: str) -> int:
    """The database id an ID argument names; a ValidationError (not a 500) when it names none."""
    try:
        return int(value)
    except ValueError:
        raise ValidationError({field: ["Enter a valid id."]}) from None


def _json_object(value: JSON | None) -> dict[str, Any] | None:
    """The metadata argument, which must be a JSON object (or null to leave it as it is)."""
    if value is None or isinstance(value, dict):
        return value
    raise ValidationError({"metadata": ["Enter a JSON object."]})
