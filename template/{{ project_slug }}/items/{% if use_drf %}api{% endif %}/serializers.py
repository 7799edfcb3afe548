"""Input serializers validate the shape of a request; output serializers shape the answers.

Neither saves anything: the views hand validated data to the services, which own the rules.
"""

from typing import Any

from rest_framework import serializers

from ..models import Item


class CollectionNameSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CollectionRefSerializer(CollectionNameSerializer):
    owner = serializers.CharField(source="owner.username")


class ItemOutputSerializer(serializers.Serializer[Item]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    collection = CollectionRefSerializer()
    created_by = serializers.CharField(source="created_by.username")
    tags = serializers.SerializerMethodField()
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_tags(self, item: Item) -> list[str]:
        # .all() reads the tags prefetched by selectors.item_list: no query per item.
        return [tag.name for tag in item.tags.all()]


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


class CollectionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    created_at = serializers.DateTimeField()


class CollectionSummarySerializer(serializers.Serializer[Any]):
    collection = CollectionNameSerializer()
    items = serializers.IntegerField()
    total_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    tags = serializers.DictField(child=serializers.IntegerField(), help_text="Items per tag.")
