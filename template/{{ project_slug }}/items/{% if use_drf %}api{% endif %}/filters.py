"""Query parameters of the item list. A value that does not parse is a 400 naming it."""

import django_filters

from ..models import Item


class ItemFilter(django_filters.FilterSet):
    collection = django_filters.NumberFilter(field_name="collection_id")
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact")
    currency = django_filters.CharFilter(lookup_expr="iexact")
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    # django-filter's ordering rejects an unknown field (DRF's own ignores it silently).
    ordering = django_filters.OrderingFilter(fields=("created_at", "price", "name"))

    class Meta:
        model = Item
        fields = ("collection", "tag", "currency", "min_price", "max_price", "created_after")
