"""Fixtures of the notifications tests: signed-in WebSocket clients of the whole ASGI app."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
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
async def _a_channel_layer_of_its_own() -> AsyncIterator[None]:
    """Each test gets a new layer: one keeps asyncio locks bound to the event loop of the test that
    made them (test_layer_per_test.py). Redis outlives the process: its messages are flushed."""
    channel_layers.backends.clear()
    layer = get_channel_layer()
    assert layer is not None
    await layer.flush()
    yield
    await layer.flush()
