"""The gauge of open WebSockets follows connections as they are accepted and closed, however
they end: a connection that ends on an error leaves its group and the gauge as well."""

import asyncio
import logging

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from prometheus_client import REGISTRY

from config.asgi import application

from ..factories import UserFactory
from .conftest import ALLOWED_ORIGIN, PATH, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def open_sockets() -> float:
    return (
        REGISTRY.get_sample_value("websocket_connections_open", {"route": "notifications"}) or 0.0
    )


async def test_a_connection_moves_the_gauge_up_and_its_close_down(connect):
    before = open_sockets()
    communicator = await connect(await sync_to_async(UserFactory)())

    connected, _ = await communicator.connect()

    assert connected
    assert open_sockets() == before + 1
    await communicator.disconnect()
    assert open_sockets() == before


async def test_a_refused_connection_is_not_counted(connect):
    before = open_sockets()
    communicator = await connect()  # anonymous: refused

    connected, _ = await communicator.connect()

    assert not connected
    assert open_sockets() == before


@pytest.fixture
def discarded(monkeypatch) -> list[str]:
    """The groups the channel layer is asked to forget a channel from."""
    layer = get_channel_layer()
    assert layer is not None
    calls: list[str] = []
    group_discard = layer.group_discard

    async def recorded(group: str, channel: str) -> None:
        calls.append(group)
        await group_discard(group, channel)

    monkeypatch.setattr(layer, "group_discard", recorded)
    return calls


async def test_a_connection_ended_by_the_channel_layer_leaves_its_group_and_the_gauge(
    monkeypatch, discarded
):
    """As when Redis goes away (or its reads time out): the consumer ends without disconnect().
    The gauge stayed up and the group kept the dead channel; the client saw no close frame."""
    layer = get_channel_layer()
    assert layer is not None
    lost = asyncio.Event()

    async def receive(channel: str) -> dict:
        await lost.wait()
        raise ConnectionError("Redis went away")

    monkeypatch.setattr(layer, "receive", receive)
    before = open_sockets()
    cookie = await sync_to_async(session_cookie)(await sync_to_async(UserFactory)())
    socket = WebsocketCommunicator(application, PATH, headers=[ALLOWED_ORIGIN, (b"cookie", cookie)])
    assert (await socket.connect())[0]
    assert open_sockets() == before + 1

    lost.set()
    await socket.future  # a dependency that went away, not a bug: nothing raised

    assert open_sockets() == before
    assert len(discarded) == 1
    # 1013, try again later: the page reconnects with backoff.
    assert socket.output_queue.get_nowait() == {"type": "websocket.close", "code": 1013}


async def test_a_consumer_ended_by_a_bug_closes_with_1011_and_raises(monkeypatch, discarded):
    layer = get_channel_layer()
    assert layer is not None
    broken = asyncio.Event()

    async def receive(channel: str) -> dict:
        await broken.wait()
        raise RuntimeError("a bug")

    monkeypatch.setattr(layer, "receive", receive)
    before = open_sockets()
    cookie = await sync_to_async(session_cookie)(await sync_to_async(UserFactory)())
    socket = WebsocketCommunicator(application, PATH, headers=[ALLOWED_ORIGIN, (b"cookie", cookie)])
    assert (await socket.connect())[0]

    broken.set()
    with pytest.raises(RuntimeError):
        await socket.future

    assert open_sockets() == before
    assert len(discarded) == 1
    assert socket.output_queue.get_nowait() == {"type": "websocket.close", "code": 1011}


async def test_a_channel_layer_that_cannot_forget_the_channel_still_lowers_the_gauge(
    connect, monkeypatch, caplog
):
    layer = get_channel_layer()
    assert layer is not None

    async def failing(group: str, channel: str) -> None:
        raise ConnectionError("Redis went away")

    before = open_sockets()
    socket = await connect(await sync_to_async(UserFactory)())
    assert (await socket.connect())[0]
    monkeypatch.setattr(layer, "group_discard", failing)

    with caplog.at_level(logging.WARNING):
        await socket.disconnect()

    assert open_sockets() == before
    assert "could not leave the group" in caplog.text
