"""The WebSocket at /ws/notifications/: a signed-in user's notifications, live.

Server to client: each event as a JSON object with a "type" ("item.created", ...) and
"sent_at". Client to server: only {"type": "ping"}, answered by {"type": "pong"}. Anything else
gets an error frame shaped like the HTTP errors, {"type": "error", "error": {"code", "message"}},
and the connection stays open: a bad message is neither a crash nor silently dropped.
"""

import json
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .events import user_group
from .metrics import OPEN_CONNECTIONS

ROUTE = "notifications"

# A client has nothing longer than a ping to say.
MAX_MESSAGE_CHARS = 4096


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closing before accepting refuses the handshake: the client sees HTTP 403.
            await self.close()
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        OPEN_CONNECTIONS.labels(ROUTE).inc()

    async def disconnect(self, code: int) -> None:
        # Only an accepted connection joined a group, and was counted.
        if self.group is not None:
            OPEN_CONNECTIONS.labels(ROUTE).dec()
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        # Parsed here rather than by the parent class, which would crash on invalid JSON.
        if text_data is None:
            await self.send_error("unsupported_frame", "Send text frames holding JSON.")
        elif len(text_data) > MAX_MESSAGE_CHARS:
            await self.send_error(
                "too_large", f"A message may hold at most {MAX_MESSAGE_CHARS} characters."
            )
        else:
            try:
                content = json.loads(text_data)
            except json.JSONDecodeError as error:
                await self.send_error("malformed_json", f"The message is not valid JSON: {error}")
            else:
                await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_error("malformed_json", "The message must be a JSON object.")
        elif content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_error("unknown_type", 'The only message a client sends is "ping".')

    async def notification_send(self, message: dict[str, Any]) -> None:
        """A group message from events.publish: pass its event on to the client."""
        await self.send_json(message["event"])

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "error": {"code": code, "message": message}})
