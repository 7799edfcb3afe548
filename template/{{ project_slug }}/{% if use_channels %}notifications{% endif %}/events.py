"""What a notification says, who receives it, and how it travels through the channel layer.

Every user has a group of their own that each of their WebSockets joins, so one group_send
reaches all their tabs and devices, whichever server process each one is connected to.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ImproperlyConfigured

from ..items.models import Item

logger = logging.getLogger(__name__)

# The consumer method that handles a group message: NotificationConsumer.notification_send.
MESSAGE_TYPE = "notification.send"


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def item_event(kind: str, item: Item) -> dict[str, Any]:
    """An event about an item that still exists, such as {"type": "item.created", "item": ...}."""
    return {
        "type": f"item.{kind}",
        "item": {
            "id": item.pk,
            "name": item.name,
            "price": str(item.price),
            "currency": item.currency,
            "collection": {"id": item.collection_id, "name": item.collection.name},
        },
    }


def publish(*, user_id: int, event: dict[str, Any]) -> None:
    """Send `event` to every WebSocket of a user, stamped with the time it was sent.

    Best effort: the write behind the event has already committed, so a channel layer that is
    down is logged and never turns that write into an error.
    """
    message = {"type": MESSAGE_TYPE, "event": {**event, "sent_at": datetime.now(UTC).isoformat()}}
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer")
        async_to_sync(channel_layer.group_send)(user_group(user_id), message)
    except Exception:
        logger.exception("could not publish %s to user %s", event.get("type"), user_id)
