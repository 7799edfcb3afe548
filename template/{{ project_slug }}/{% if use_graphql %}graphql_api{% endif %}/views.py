"""The /graphql/ endpoint: Strawberry's Django view, with GraphiQL only when DEBUG is on."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from strawberry.django.views import GraphQLView as StrawberryGraphQLView


class GraphQLView(StrawberryGraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Decided per request (Django makes a view instance for each): a browser's GET in
        # production gets a 404 instead of an IDE.
        self.graphql_ide = "graphiql" if settings.DEBUG else None
        return super().dispatch(request, *args, **kwargs)
