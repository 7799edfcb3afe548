"""A paginator whose cost does not grow with the table.

Django's Paginator counts every row of the filter (`SELECT COUNT(*)`) to number the pages, and
reaches a deep page by skipping every row before it (`OFFSET`): both read more rows as the table
grows. This one counts at most MAX_COUNT rows and numbers only the pages those rows fill, so
that every page of every list costs at most MAX_COUNT rows read off an index, at 10,000 rows or
at a million. A list with more matches says `count: MAX_COUNT`; its later rows are reached by
narrowing the filter (a later `created_after`, a price range) rather than by paging on.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

# The rows a list counts, and so the deepest row a page reaches (500 pages of 20).
MAX_COUNT = 10_000


def bounded_count(rows: QuerySet[Any]) -> int:
    """The number of rows, or MAX_COUNT when there are at least that many (every list counts so)."""
    # COUNT(*) over a subquery that stops at MAX_COUNT rows; ordering it would cost a sort.
    return min(rows.order_by().values("pk")[: MAX_COUNT + 1].count(), MAX_COUNT)


class BoundedPaginator(Paginator[Any]):
    @cached_property
    def count(self) -> int:
        """The number of rows, or MAX_COUNT when there are at least that many."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return min(len(rows), MAX_COUNT)
        return bounded_count(rows)
