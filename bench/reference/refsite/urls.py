"""The two reference views, each the ceiling for one part of the cost.

items/: the JSON body the project's list endpoint returned, serialized per request: what
Django alone costs to answer it (no database, no middleware).
items-data/: the list's data, read per request with the same queries the list runs on a miss
(a count bounded at 10,001 rows, a page of 20 newest items with collection, owner and creator
joined, their tags) through values() and JsonResponse: the cost of the data without our stack.
"""

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path

MAX_COUNT = 10_000  # core/pagination.py of the project
PAGE = 20
FIELDS = (
    "id",
    "name",
    "price",
    "currency",
    "metadata",
    "created_at",
    "updated_at",
    "collection_id",
    "collection__name",
    "collection__owner__username",
    "created_by__username",
)

PAYLOAD: dict[str, Any] = (
    json.loads(Path(os.environ["REFERENCE_PAYLOAD"]).read_text())
    if os.environ.get("REFERENCE_PAYLOAD")
    else {}
)


def item_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse(PAYLOAD)


def item_list_data(request: HttpRequest) -> JsonResponse:
    from .models import Item, ItemTag

    count = min(Item.objects.values("pk")[: MAX_COUNT + 1].count(), MAX_COUNT)
    rows = list(Item.objects.order_by("-created_at", "-id").values(*FIELDS)[:PAGE])
    tags: dict[int, list[str]] = {row["id"]: [] for row in rows}
    for item_id, name in (
        ItemTag.objects.filter(item_id__in=tags)
        .order_by("tag__name")
        .values_list("item_id", "tag__name")
    ):
        tags[item_id].append(name)
    results = [
        {
            "id": row["id"],
            "name": row["name"],
            "price": str(row["price"]),
            "currency": row["currency"],
            "collection": {
                "id": row["collection_id"],
                "name": row["collection__name"],
                "owner": row["collection__owner__username"],
            },
            "created_by": row["created_by__username"],
            "tags": tags[row["id"]],
            "metadata": row["metadata"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        for row in rows
    ]
    return JsonResponse({"count": count, "next": None, "previous": None, "results": results})


urlpatterns: list[URLPattern] = [path("items/", item_list)]
if settings.DATABASES:
    urlpatterns.append(path("items-data/", item_list_data))
