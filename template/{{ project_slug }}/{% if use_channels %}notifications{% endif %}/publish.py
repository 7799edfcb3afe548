"""Publishing an event to a user: through the channel layer, to their stream's group.

Every user has a group of their own (items.events.user_stream) that each of their connections
joins, so one group_send reaches all their tabs and devices, whichever server process each one
is connected to.
"""

import logging
from datetime import UTC, datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ImproperlyConfigured

from ..items.events import STREAM_MESSAGE, Event, to_wire, user_stream

logger = logging.getLogger(__name__)


def publish(*, user_id: int, event: Event) -> None:
    """Send `event` to every subscriber of a user, in its wire form stamped with `sent_at`.

    Best effort: the write behind the event has already committed, so a channel layer that is
    down is logged and never turns that write into an error.
    """
    wire = {**to_wire(event), "sent_at": datetime.now(UTC).isoformat()}
    try:
        channel_layer = get_channel_layer()
        if channel_layer is None:
            raise ImproperlyConfigured("CHANNEL_LAYERS has no default layer")
        async_to_sync(channel_layer.group_send)(
            user_stream(user_id), {"type": STREAM_MESSAGE, "event": wire}
        )
    except Exception:
        logger.exception("could not publish %s to user %s", event.type, user_id)
