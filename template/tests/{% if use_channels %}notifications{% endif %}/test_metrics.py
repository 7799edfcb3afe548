"""The gauge of open WebSockets follows connections as they are accepted and closed."""

import pytest
from asgiref.sync import sync_to_async
from prometheus_client import REGISTRY

from ..factories import UserFactory

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
