"""The WebSocket at /ws/notifications/: a signed-in user's notifications, live.

Server to client: each event of items/events.py in its wire form, such as
`{"type": "item.created", "item": {...}, "sent_at": ...}`. Client to server: only
{"type": "ping"}, answered by {"type": "pong"}. Anything else gets an error frame shaped like the
HTTP errors, {"type": "error", "error": {"code", "message"}} (core/errors.py), and the connection
stays open: a bad message is neither a crash nor silently dropped.

Close codes the server sends (RFC 6455; the page reconnects after any close, with backoff):
- 1013 (try again later): the channel layer (Redis) is unreachable, when the socket opens or
  later; the socket leaves its group and the gauge, and a warning is logged.
- 1011 (internal error): anything else that ended the consumer, a bug; logged with its traceback.
"""

import contextlib
import json
import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from ..core.errors import ApplicationError, error_answer
from ..core.ws_auth import TICKET_NOT_VALID, answered_subprotocol, ticket_refused
from ..items.events import UnknownEvent, from_wire, user_stream
from .metrics import OPEN_CONNECTIONS

logger = logging.getLogger(__name__)

ROUTE = "notifications"

# The close codes of a server error and of a dependency that is down (RFC 6455): the client
# should reconnect, and after a 1013 not at once.
INTERNAL_ERROR = 1011
TRY_AGAIN_LATER = 1013

# What the channel layer raises when Redis is unreachable or stops answering.
LAYER_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)

# The subprotocol a client may offer beside its ticket (core/ws_auth.py); none is needed.
SUBPROTOCOL = "notifications"

# A client has nothing longer than a ping to say.
MAX_MESSAGE_CHARS = 4096


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None  # the user's stream, once joined
    counted = False  # in the open-connections gauge

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve one connection; however it ends, leave the group and the gauge.

        disconnect() runs when the client or the server closes the socket. An error that ends
        the consumer instead (the channel layer losing Redis, a bug) skips it: without this, the
        gauge stayed up and the group kept the dead channel until Redis expired it.
        """
        try:
            await super().__call__(scope, receive, send)
        except LAYER_DOWN as error:
            # Not a bug: Redis went away. The client is told to come back later.
            logger.warning("closed a socket: the channel layer is unreachable (%s)", error)
            if self.counted:
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
        except Exception:
            if self.counted:
                # Tell the client, which then reconnects, rather than just dropping the socket.
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": INTERNAL_ERROR})
            raise
        finally:
            await self.leave()

    async def connect(self) -> None:
        subprotocol = answered_subprotocol(self.scope, SUBPROTOCOL)
        if ticket_refused(self.scope):
            # Accepted, then closed with a code that says why (core/ws_auth.py).
            await self.accept(subprotocol)
            await self.close(code=TICKET_NOT_VALID)
            return
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closing before accepting refuses the handshake: the client sees HTTP 403.
            await self.close()
            return
        try:
            await self.channel_layer.group_add(user_stream(user.pk), self.channel_name)
        except LAYER_DOWN as error:
            # Accepted, then closed: the client reads 1013 rather than a failed handshake.
            logger.warning("closed a new socket: the channel layer is unreachable (%s)", error)
            await self.accept(subprotocol)
            await self.close(code=TRY_AGAIN_LATER)
            return
        self.group = user_stream(user.pk)
        await self.accept(subprotocol)
        OPEN_CONNECTIONS.labels(ROUTE).inc()
        self.counted = True

    async def disconnect(self, code: int) -> None:
        await self.leave()

    async def leave(self) -> None:
        """Leave the user's group and the gauge, once; an error of the layer is only logged."""
        if self.counted:
            self.counted = False
            OPEN_CONNECTIONS.labels(ROUTE).dec()
        group, self.group = self.group, None
        if group is not None:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                # Redis forgets the membership by itself after the group expiry (a day).
                logger.warning("could not leave the group %s", group, exc_info=True)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        try:
            await self.receive_json(self.parse(text_data))
        except Exception as error:
            answer = error_answer(error)
            if answer is None:
                raise
            await self.send_json({"type": "error", "error": answer.body()})

    def parse(self, text_data: str | None) -> Any:
        # Parsed here rather than by the parent class, which would crash on invalid JSON.
        if text_data is None:
            raise ApplicationError("Send text frames holding JSON.", code="unsupported_frame")
        if len(text_data) > MAX_MESSAGE_CHARS:
            raise ApplicationError(
                f"A message may hold at most {MAX_MESSAGE_CHARS} characters.", code="too_large"
            )
        try:
            return json.loads(text_data)
        except json.JSONDecodeError as error:
            raise ApplicationError(
                f"The message is not valid JSON: {error}", code="malformed_json"
            ) from error

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            raise ApplicationError("The message must be a JSON object.", code="malformed_json")
        if content.get("type") != "ping":
            raise ApplicationError(
                'The only message a client sends is "ping".', code="unknown_type"
            )
        await self.send_json({"type": "pong"})

    async def notification_send(self, message: dict[str, Any]) -> None:
        """A message on the user's stream (publish.py): pass its event on to the client.

        An event this version cannot read (a newer release published it during a deploy) is
        logged and skipped: the client never sees half an event.
        """
        event = message.get("event")
        try:
            from_wire(event)
        except UnknownEvent as error:
            logger.warning("skipped an event: %s", error)
            return
        await self.send_json(event)
