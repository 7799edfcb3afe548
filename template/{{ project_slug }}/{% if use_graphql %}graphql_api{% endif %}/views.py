"""The /graphql/ endpoint: Strawberry's Django view, with GraphiQL only when DEBUG is on, and the
answers of queries that read only the item list served from the cache (items/cache.py)."""

import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from graphql import DocumentNode, FieldNode, GraphQLError, OperationDefinitionNode, OperationType
from graphql import parse as parse_document
from strawberry.django.views import GraphQLView as StrawberryGraphQLView
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from ..items import cache

# Root fields whose answers are cached: the item list, which reads nothing but items and their
# relations, invalidated by every item write. Add a field only if its data moves that version.
CACHED_FIELDS = frozenset({"items", "__typename"})


class GraphQLView(StrawberryGraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Decided per request (Django makes a view instance for each): a browser's GET in
        # production gets a 404 instead of an IDE.
        self.graphql_ide = "graphiql" if settings.DEBUG else None
        return super().dispatch(request, *args, **kwargs)

    def execute_single(
        self,
        request: HttpRequest,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        def execute() -> ExecutionResult:
            return super(GraphQLView, self).execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )

        by_get = request_adapter.method == "GET"
        if (by_get and not self.allow_queries_via_get) or not _reads_only_the_items(request_data):
            return execute()
        # Keyed by the user too: a field may answer each user differently (a user's email).
        user = getattr(request, "user", None)
        query = [user and user.pk, request_data.query, request_data.variables]
        query.append(request_data.operation_name)
        result: ExecutionResult = cache.cached(
            cache.ITEMS,
            cache.page_key(json.dumps(query, sort_keys=True, default=str)),
            execute,
            cache.LIST_TIMEOUT,
            keep=lambda answer: not answer.errors,
        )
        return result


def _reads_only_the_items(request_data: GraphQLRequestData | None) -> bool:
    if request_data is None or not request_data.query:
        return False
    try:
        document = _parsed(request_data.query)
    except GraphQLError:
        return False  # Strawberry answers it
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        return False
    selections = operations[0].selection_set.selections
    return all(
        isinstance(selection, FieldNode) and selection.name.value in CACHED_FIELDS
        for selection in selections
    )


@lru_cache(maxsize=256)
def _parsed(query: str) -> DocumentNode:
    return parse_document(query, max_tokens=2000)
