"""REST endpoints of the example app.

Reads start from the selectors (relations loaded up front, so a page costs the same number of
queries whatever its length); writes go through the services, which check ownership and
validate. Domain errors become the API's error body in core/api/exceptions.py, as
core/errors.py says.
"""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet, ViewSet

from ...core.api.permissions import IsOwnerOrReadOnly
from ...core.api.schema import ErrorSerializer
from ...users.models import User
from .. import cache, selectors, services
from ..models import Item
from .filters import ItemFilter
from .serializers import (
    CollectionInputSerializer,
    CollectionOutputSerializer,
    CollectionSummarySerializer,
    ItemCreateInputSerializer,
    ItemOutputSerializer,
    ItemUpdateInputSerializer,
)


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet[Item]):
    """Items: anyone signed in reads them, only the owner of their collection changes them."""

    permission_classes = [IsAuthenticated, IsOwnerOrReadOnly]
    owner_field = "collection.owner_id"
    lookup_value_regex = "[0-9]+"
    serializer_class = ItemOutputSerializer
    filterset_class = ItemFilter
    # PUT would have to restate every field; PATCH says what changes.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Item]:
        return selectors.item_list()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List items, newest first

        Filter by collection, tag, currency, price range or creation date; order by
        `created_at`, `price` or `name` (prefix `-` for descending). A page is served from
        the cache until an item changes.
        """
        # A page depends on no user: cached by its URL (items/cache.py).
        data = cache.cached(
            cache.ITEMS,
            cache.page_key(request.build_absolute_uri()),
            lambda: super(ItemViewSet, self).list(request, *args, **kwargs).data,
            cache.LIST_TIMEOUT,
        )
        return Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Get one item"""
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=ItemCreateInputSerializer,
        responses={
            201: ItemOutputSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such collection."),
        },
    )
    def create(self, request: Request) -> Response:
        """Create an item in one of your collections"""
        data = _validated(ItemCreateInputSerializer, request.data)
        collection = selectors.collection_get(collection_id=data.pop("collection"))
        item = services.item_create(collection=collection, created_by=_user(request), **data)
        output = ItemOutputSerializer(selectors.item_get(item_id=item.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemUpdateInputSerializer, responses={200: ItemOutputSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change some fields of an item"""
        item = self.get_object()
        data = _validated(ItemUpdateInputSerializer, request.data)
        services.item_update(item=item, user=_user(request), **data)
        return Response(ItemOutputSerializer(selectors.item_get(item_id=item.pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Delete an item"""
        services.item_delete(item=self.get_object(), user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectionViewSet(ViewSet):
    """Collections: anyone signed in reads them; you create your own."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        request=CollectionInputSerializer,
        responses={
            201: CollectionOutputSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="You have a collection of that name already."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        """Create a collection of your own"""
        data = _validated(CollectionInputSerializer, request.data)
        collection = services.collection_create(owner=_user(request), name=data["name"])
        return Response(CollectionOutputSerializer(collection).data, status=201)

    @extend_schema(responses=CollectionOutputSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """Get one collection"""
        collection = selectors.collection_get(collection_id=_id(pk))
        return Response(CollectionOutputSerializer(collection).data)

    @extend_schema(responses=CollectionSummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk: str) -> Response:
        """Count and value of a collection's items

        Served from the cache until one of its items changes.
        """
        collection_id = _id(pk)

        def serialized() -> Any:
            summary = selectors.collection_summary(collection_id=collection_id)
            return CollectionSummarySerializer(summary).data

        # Its serialized form is cached beside it: building a dataclass serializer's fields
        # took a quarter of the answer's CPU.
        data = cache.cached(
            cache.collection_namespace(collection_id),
            "summary:api",
            serialized,
            cache.SUMMARY_TIMEOUT,
        )
        return Response(data)


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _user(request: Request) -> User:
    # IsAuthenticated has let only signed-in users this far.
    return cast(User, request.user)


def _id(pk: str) -> int:
    # The route only matches digits; this keeps the type honest for the selectors.
    return int(pk)
