"""Input serializers validate the shape of a request; output serializers render the answers.

Neither saves anything: the views hand validated data to the services, which own the rules. The
output serializers restate no field: each renders a representation of items/representations.py,
the one definition every front end shares, and the OpenAPI schema is generated from it.
"""

from typing import Any

from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

from ...core.api import fields
from ..models import Collection, Item
from ..representations import CollectionData, CollectionSummary, ItemData


class ItemOutputSerializer(DataclassSerializer[ItemData]):
    """An item, with its collection and tags."""

    # Given an item from the selectors (relations loaded), it renders the item's ItemData.
    class Meta:
        dataclass = ItemData
        ref_name = "ItemOutput"  # the schema's name for it, as before the dataclass
        extra_kwargs = {"price": {"max_digits": 12, "decimal_places": 2}}

    def to_representation(self, instance: Item) -> dict[str, Any]:
        return dict(super().to_representation(ItemData.of(instance)))


# The names a tag may have: a slug, as models.Tag stores it (lower-cased there).
TAG = r"^[-a-zA-Z0-9_]+$"
# An ISO 4217 code, in any case (the services store it upper-cased).
CURRENCY = r"^[A-Za-z]{3}$"


class ItemUpdateInputSerializer(serializers.Serializer[Any]):
    """The fields of an item to change: a PATCH changes only those it sends."""

    name = fields.CharField(max_length=200, required=False)
    price = fields.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = fields.RegexField(
        CURRENCY, required=False, help_text="An ISO 4217 code such as EUR."
    )
    tags = serializers.ListField(
        child=fields.RegexField(
            TAG, max_length=50, help_text="Letters, digits, hyphens and underscores."
        ),
        max_length=20,
        required=False,
        help_text="The item's tags, all of them: they replace those it had.",
    )
    metadata = fields.JSONObjectField(required=False, help_text="Free-form attributes.")


class ItemCreateInputSerializer(ItemUpdateInputSerializer):
    """A new item: `collection`, `name` and `price` are required; `currency` is EUR unless
    given, and `tags` and `metadata` are empty unless given."""

    collection = fields.IdField(help_text="The id of one of your collections.")
    name = fields.CharField(max_length=200)
    price = fields.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class CollectionInputSerializer(serializers.Serializer[Any]):
    name = fields.CharField(max_length=120, help_text="Unique among your collections.")


class CollectionOutputSerializer(DataclassSerializer[CollectionData]):
    """A collection and its owner."""

    # Given a collection from the selectors (owner loaded), it renders its CollectionData.
    class Meta:
        dataclass = CollectionData
        ref_name = "CollectionOutput"

    def to_representation(self, instance: Collection) -> dict[str, Any]:
        return dict(super().to_representation(CollectionData.of(instance)))


class CollectionSummarySerializer(DataclassSerializer[CollectionSummary]):
    class Meta:
        dataclass = CollectionSummary
        extra_kwargs = {
            "total_value": {"max_digits": 14, "decimal_places": 2},
            "tags": {"help_text": "Items per tag."},
        }
