"""Query parameters that read what the OpenAPI schema says, and refuse the rest with a 400.

django-filter's defaults let through what the schema did not say, some of it into a 500: a
number filter on an id took any decimal (`?collection=-1.0356e257` overflowed the database's
integer), a date and time without a UTC equivalent overflowed when converted, an empty value
(`?collection=`) read as no value at all, and a list parameter read only the last of repeated
values (`?ordering=price&ordering=name` sorted by name only, though that is how OpenAPI's default
style sends a list, and how generated clients send it). Every filter here bounds what it takes,
so that a valid request also fits in a request line; core/api/schema.py documents each.
"""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django_filters.widgets import BaseCSVWidget
from drf_spectacular.utils import extend_schema_field

from .fields import MAX_ID


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """An object's id, such as a foreign key's: a whole number from 1 to MAX_ID."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class PatternFilter(django_filters.Filter):
    """Text that matches `regex`, of at most `max_length` characters (the schema says both)."""

    field_class = forms.RegexField

    def __init__(self, regex: str, max_length: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, regex=regex, max_length=max_length, **kwargs)
        schema = {"type": "string", "pattern": regex, "maxLength": max_length}
        # As drf-spectacular's documentation annotates a filter instance (its stubs say callable).
        extend_schema_field(schema)(self)  # type: ignore[type-var]


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (the schema's date-time), with or without an offset.

    It is compared in UTC, whatever its offset (PostgreSQL refuses offsets beyond 15:59). One
    that has no UTC equivalent (year 1 east of UTC, year 9999 west of it) is as early or as late
    as UTC goes: it bounds nothing, or everything, instead of overflowing.
    """

    def filter(self, qs: QuerySet[Any], value: datetime | None) -> QuerySet[Any]:
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                value = (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)
        return super().filter(qs, value)


class ListWidget(BaseCSVWidget, forms.TextInput):
    """A list parameter, repeated or comma-separated: `?ordering=price&ordering=-name` reads the
    same as `?ordering=price,-name`."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if name not in data:
            return []  # as good as absent: the filter leaves the list as it is
        values = data.getlist(name) if isinstance(data, MultiValueDict) else [data[name]]
        return [part for value in values for part in str(value).split(",")]


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering (an unknown key is a 400), from repeated or comma-separated
    parameters, with at most as many keys as there are fields to sort by.

    Rows equal on every key come by id, in the direction of the last key (oldest first after
    `price`, newest first after `-price`): without a last key that no two rows share, the
    database may order them differently for each page, which then repeats some rows and skips
    others. In the last key's direction, an index on (key, id) serves both `key` and `-key`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, widget=ListWidget, **kwargs)

    def filter(self, qs: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        ordered = super().filter(qs, value)
        keys = [key for key in value or [] if key]
        if not keys:
            return ordered
        last = str(ordered.query.order_by[-1])
        return ordered.order_by(*ordered.query.order_by, "-pk" if last.startswith("-") else "pk")

    @property
    def max_keys(self) -> int:
        return len(self.param_map or {})


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, and what the schema says that it does not check: a parameter
    sent empty (`?created_after=`) is a 400 unless it takes any text (django-filter reads it as
    absent), and so is an ordering by more keys than there are fields."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            sent = self.data.getlist(name) if isinstance(self.data, MultiValueDict) else []
            if "" in sent and not isinstance(filter_, django_filters.CharFilter):
                self.form.add_error(name, "Send a value, or leave the parameter out.")
                valid = False
            elif isinstance(filter_, OrderingFilter):
                keys = [key for value in sent for key in value.split(",")]
                if len(keys) > filter_.max_keys:
                    self.form.add_error(name, f"Sort by {filter_.max_keys} keys at most.")
                    valid = False
        return valid
