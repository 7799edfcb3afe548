"""The /graphql/ endpoint: Strawberry's Django view, with GraphiQL only when DEBUG is on.

A result is a 200 whatever errors it holds, except when a dependency was down (an error with the
code `unavailable`, core/errors.py): then it is a 503 with Retry-After, as everywhere else in the
project, so clients and load balancers retry it like any other request.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from strawberry.django.views import GraphQLView as StrawberryGraphQLView
from strawberry.http import GraphQLHTTPResponse

from ..core.errors import RETRY_AFTER_SECONDS


class GraphQLView(StrawberryGraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Decided per request (Django makes a view instance for each): a browser's GET in
        # production gets a 404 instead of an IDE.
        self.graphql_ide = "graphiql" if settings.DEBUG else None
        return super().dispatch(request, *args, **kwargs)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: HttpResponse,
    ) -> HttpResponseBase:
        response = super().create_response(response_data, sub_response)
        results = response_data if isinstance(response_data, list) else [response_data]
        errors: list[Any] = [error for result in results for error in result.get("errors") or []]
        codes = {(error.get("extensions") or {}).get("code") for error in errors}
        if "unavailable" in codes:
            response.status_code = 503
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            # Logged with its cause by core/errors.py: Django need not log the 503 again.
            response._has_been_logged = True  # type: ignore[attr-defined]
        return response
