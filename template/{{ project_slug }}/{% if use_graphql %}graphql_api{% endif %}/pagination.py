"""Offset-paginated lists whose totalCount costs what the REST lists' count costs.

strawberry-django counts every match (`SELECT COUNT(*)`), which reads the whole filter: about
70 ms at a million items. These lists count as core/pagination.py does, up to MAX_COUNT.
"""

import strawberry
from strawberry_django.optimizer import is_optimized_by_prefetching
from strawberry_django.pagination import NodeType, OffsetPaginated, get_total_count
from strawberry_django.resolvers import django_resolver

from ..core.pagination import MAX_COUNT, bounded_count

COUNTED = f"The number of results, up to {MAX_COUNT} ({MAX_COUNT} means {MAX_COUNT} or more)."


@strawberry.type(name="OffsetPaginated")
class BoundedOffsetPaginated(OffsetPaginated[NodeType]):
    @strawberry.field(description=COUNTED)
    @django_resolver
    def total_count(self) -> int:
        return self.get_total_count()

    def get_total_count(self) -> int:
        if self.queryset is None:
            return 0
        if is_optimized_by_prefetching(self.queryset):
            # A list nested in another, already read with its count (a window over the prefetch).
            return min(get_total_count(self.queryset), MAX_COUNT)
        return bounded_count(self.queryset)
