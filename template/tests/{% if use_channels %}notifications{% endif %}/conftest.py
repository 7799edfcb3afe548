"""Fixtures of the notifications tests: signed-in WebSocket clients of the whole ASGI app."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application

PATH = "/ws/notifications/"
# AllowedHostsOriginValidator refuses a handshake whose Origin is not an allowed host.
ALLOWED_ORIGIN = (b"origin", b"http://testserver")


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


Connect = Callable[..., Awaitable[WebsocketCommunicator]]


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Open a WebSocket as `user` (anonymous when None); every one is closed after the test."""
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user=None, *, headers=(ALLOWED_ORIGIN,)) -> WebsocketCommunicator:
        headers = list(headers)
        if user is not None:
            headers.append((b"cookie", await sync_to_async(session_cookie)(user)))
        communicator = WebsocketCommunicator(application, PATH, headers=headers)
        opened.append(communicator)
        return communicator

    yield open_socket
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture(autouse=True)
async def _empty_channel_layer() -> AsyncIterator[None]:
    # The in-memory layer lives as long as the process, Redis longer: no test sees another's.
    layer = get_channel_layer()
    assert layer is not None
    await layer.flush()
    yield
    await layer.flush()
