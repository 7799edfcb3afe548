"""WebSocket routes, mounted by config/asgi.py behind the origin check and the session auth."""

from typing import Any

from django.urls import path

from .consumers import NotificationConsumer

# django-stubs types path() for views and types-channels wants its own pattern type in URLRouter:
# no annotation satisfies both, so the list is left as Any.
websocket_urlpatterns: list[Any] = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),  # type: ignore[arg-type]
]
