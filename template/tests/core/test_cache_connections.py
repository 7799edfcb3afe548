"""The Redis cache connects once per process, not once per request, through one client.

Django's cache backends are context-local: under ASGI every request runs in a context of its own
and gets a backend of its own. Each request here runs in a fresh context, as a server runs it.
"""

import contextvars
from typing import Any

import pytest
import redis
from django.core.cache import caches
from redis.connection import AbstractConnection

pytestmark = pytest.mark.redis


def test_requests_in_contexts_of_their_own_share_the_process_connection(monkeypatch):
    used: list[AbstractConnection] = []  # each connection, every time a command checks it out
    connect = AbstractConnection.connect

    def counted(connection: AbstractConnection) -> None:
        used.append(connection)
        connect(connection)

    monkeypatch.setattr(AbstractConnection, "connect", counted)

    def request() -> None:
        caches["default"].get("any-key")

    for _ in range(5):
        contextvars.Context().run(request)

    # redis-py checks a connection out (and connects it if need be) for each command: one
    # connection served all five requests, not one each.
    assert len(used) == 5
    assert len({id(connection) for connection in used}) == 1


def test_commands_share_the_process_redis_client(monkeypatch: pytest.MonkeyPatch) -> None:
    caches["default"].get("any-key")  # the process's client and its pool exist
    made: list[redis.Redis] = []
    init = redis.Redis.__init__

    def counted(client: redis.Redis, *args: Any, **kwargs: Any) -> None:
        made.append(client)
        init(client, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)

    def request() -> None:
        cache = caches["default"]
        cache.set("any-key", 1)
        cache.get("any-key")
        cache.delete("any-key")

    for _ in range(5):
        contextvars.Context().run(request)

    # Django's client makes a redis.Redis for every command (15 here), each building a table of
    # reply callbacks: the project's makes one per pool, once.
    assert made == []
