"""Page-number pagination that refuses what it cannot honour instead of guessing.

DRF quietly falls back to the default for a bad `page_size` and caps an oversize one; here both
are a 400 naming the parameter, so a client learns about its mistake instead of getting a page
of a size it did not ask for. The schema gives both parameters the bounds checked here.

Pages are numbered over at most MAX_COUNT rows (core/pagination.py), so that no page costs more
as the table grows; the schema says so of `count`.
"""

from typing import Any

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from ..pagination import MAX_COUNT, BoundedPaginator


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = BoundedPaginator

    def get_page_size(self, request: Request) -> int:
        return self._parameter(request, "page_size", self.page_size, maximum=self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            minimum=0,
            maximum=MAX_COUNT,
            description=(
                f"The number of matching items, counted up to {MAX_COUNT:,}: {MAX_COUNT:,} means "
                "that many or more, of which the pages reach the first "
                f"{MAX_COUNT:,}. Narrow the filters to reach the others."
            ),
        )
        return response

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int | str:
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            return paginator.num_pages
        return self._parameter(request, self.page_query_param, 1)

    @staticmethod
    def _parameter(request: Request, name: str, default: int, maximum: int | None = None) -> int:
        if name not in request.query_params:
            return default
        raw = request.query_params[name]  # sent empty: a 400 as well
        # ASCII digits only: str.isdigit() also holds for "²", which int() refuses.
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({name: ["Enter a whole number, 1 or more."]})
        if maximum is not None and int(raw) > maximum:
            raise ValidationError({name: [f"Ensure this value is at most {maximum}."]})
        return int(raw)
