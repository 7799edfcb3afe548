"""Input serializers validate the shape of a request; output serializers render the answers.

Neither saves anything: the views hand validated data to the services, which own the rules. The
output serializers restate no field: each renders a representation of items/representations.py,
the one definition every front end shares, and the OpenAPI schema is generated from it.
"""

from typing import Any

from rest_framework import serializers
from rest_framework_dataclasses.serializers import DataclassSerializer

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


class ItemUpdateInputSerializer(serializers.Serializer[Any]):
    """Every field optional: a PATCH changes only what it sends."""

    name = serializers.CharField(max_length=200, required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}$", required=False, help_text="An ISO 4217 code such as EUR."
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=20, required=False
    )
    metadata = serializers.DictField(required=False)


class ItemCreateInputSerializer(ItemUpdateInputSerializer):
    collection = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class CollectionInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)


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
