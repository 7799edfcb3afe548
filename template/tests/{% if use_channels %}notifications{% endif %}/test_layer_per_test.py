"""Every test gets a channel layer of its own (conftest.py).

Each test runs in an event loop of its own, and a layer keeps asyncio locks bound to the loop
that first waited on them. channels_redis leaves one such lock behind when a receive is cancelled
while it waits for the lock a finished receive holds until its clean-up is done (a socket closed
as messages arrive): on a shared layer the next test's receive then fails with "... is bound to a
different event loop". The first test below leaves that lock; the second receives as the next
test would. They run in this order, in one process.
"""

import asyncio

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.redis


async def test_a_receive_cancelled_while_it_waits_for_a_clean_up_ends_cleanly():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "note", "n": 1})
    await layer.send(channel, {"type": "note", "n": 2})
    assert (await layer.receive(channel))["n"] == 1

    waiting = asyncio.create_task(layer.receive(channel))
    for _ in range(10_000):  # until it waits behind the first message's clean-up (two on the lock)
        if 2 in layer.receive_clean_locks.wait_counts.values():
            break
        await asyncio.sleep(0)
    waiting.cancel()

    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_the_next_test_receives_in_its_own_event_loop():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    for n in range(3):
        await layer.send(channel, {"type": "note", "n": n})

    assert [(await layer.receive(channel))["n"] for _ in range(3)] == [0, 1, 2]
