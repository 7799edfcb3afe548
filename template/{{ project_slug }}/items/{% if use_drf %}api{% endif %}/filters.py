"""Query parameters of the item list. A value that does not parse is a 400 naming it, and the
OpenAPI schema says what each one takes (core/api/filters.py)."""

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field

from ...core.api.filters import (
    DateTimeFilter,
    FilterSet,
    IdFilter,
    OrderingFilter,
    PatternFilter,
)
from ..models import Item
from .serializers import CURRENCY, TAG

# The bounds of a price (models.Item: 12 digits, 2 of them after the point, never negative).
MAX_PRICE = Decimal("9999999999.99")


@extend_schema_field({"type": "number", "minimum": 0, "maximum": float(MAX_PRICE)})
class PriceFilter(django_filters.NumberFilter):
    """A bound on the price, from 0 to MAX_PRICE."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(field_name="price", min_value=0, max_value=MAX_PRICE, **kwargs)


class CurrencyFilter(PatternFilter):
    """A currency code in any case. Items keep theirs in capitals (services.py), so the code is
    compared in capitals as it is, which the index on the currency serves (a case-insensitive
    comparison reads every row)."""

    def filter(self, qs: QuerySet[Item], value: str | None) -> QuerySet[Item]:
        return super().filter(qs, value.upper() if value else value)


class ItemFilter(FilterSet):
    collection = IdFilter(field_name="collection_id", help_text="A collection's id.")
    tag = PatternFilter(
        TAG, 50, field_name="tags__name", lookup_expr="iexact", help_text="A tag's name."
    )
    currency = CurrencyFilter(CURRENCY, 3, help_text="An ISO 4217 code such as EUR.")
    min_price = PriceFilter(lookup_expr="gte", help_text="The lowest price.")
    max_price = PriceFilter(lookup_expr="lte", help_text="The highest price.")
    created_after = DateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="An ISO 8601 date and time; without an offset, in the project's time zone.",
    )
    # django-filter's ordering rejects an unknown field (DRF's own ignores it silently).
    ordering = OrderingFilter(
        fields=("created_at", "price", "name"),
        help_text=(
            "Sort keys, the first one first; `-` before a key sorts descending. Repeat the "
            "parameter for several (`ordering=price&ordering=-name`), or separate them by commas."
        ),
    )

    class Meta:
        model = Item
        fields = ("collection", "tag", "currency", "min_price", "max_price", "created_after")
