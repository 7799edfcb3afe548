from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Collection(models.Model):
    """A user's collection of items: the thing a user owns and cares about."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_collection_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_items"
    )
    name = models.CharField(max_length=200)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default="EUR")
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    # Free-form attributes (size, colour, ...) that do not deserve a column of their own.
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # One index for each order the lists offer, ending in the id that breaks ties (read
        # backwards for the descending order), and one for each filter that narrows a list down,
        # in the default order: a page then reads its rows off an index instead of sorting every
        # row that matches. tests/items/test_indexes.py checks each with EXPLAIN on PostgreSQL.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="items_item_newest_idx"),
            models.Index(fields=["price", "id"], name="items_item_price_idx"),
            models.Index(fields=["name", "id"], name="items_item_name_idx"),
            models.Index(
                fields=["collection", "-created_at", "-id"], name="items_item_collection_idx"
            ),
            models.Index(fields=["currency", "-created_at", "-id"], name="items_item_currency_idx"),
        ]

    def __str__(self) -> str:
        return self.name
