"""Fixtures shared by the whole suite, and the rules for tests that need real services.

Tests marked `postgres` or `redis` run over real connections when DATABASE_URL / REDIS_URL point
at those services, and are skipped (with the reason printed) when they do not. Tests that can
differ on those services are marked `services` (below): after a run on SQLite, `-m services` is
the rest of the proof on PostgreSQL and Redis.
"""

import os
import socket
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, TransactionTestCase

from . import database, probes
from .factories import CollectionFactory, UserFactory

POSTGRES_CONFIGURED = os.environ.get("DATABASE_URL", "").startswith(
    ("postgres://", "postgresql://")
)
REDIS_CONFIGURED = os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://"))


# A test that touches none of these behaves the same on SQLite and local memory as on PostgreSQL
# and Redis. Every pytest-django fixture that opens the database (db, transactional_db,
# live_server, ...) requests django_db_setup, which creates the test database.
SERVICE_MARKERS = ("django_db", "postgres", "redis", "rabbitmq")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `services` what real services can change: every test that uses the database (SQL,
    constraints, transactions and query counts differ between SQLite and PostgreSQL) or is marked
    for a service. `-m services` then repeats on PostgreSQL + Redis only what can differ there."""
    for item in items:
        if "django_db_setup" in getattr(item, "fixturenames", ()) or any(
            item.get_closest_marker(name) for name in SERVICE_MARKERS
        ):
            item.add_marker(pytest.mark.services)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and not POSTGRES_CONFIGURED:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not REDIS_CONFIGURED:
        pytest.skip("needs Redis: set REDIS_URL=redis://...")


def shared_database_url() -> str:
    """The URL of the test database, for processes a test starts that must share its data."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _transactional_tests_delete_their_rows() -> Iterator[None]:
    """Transactional tests end by deleting their rows, not with a flush (tests/database.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", database.delete_rows)
        yield


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections for the whole test: bound, never listened on, so
    no other process can take it meanwhile (one released at once was taken by a mail server of
    a suite running beside this one, and the "unreachable Redis" answered SMTP)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every query fails as psycopg's pool does when no connection comes within its timeout."""

    def refuse(self: BaseDatabaseWrapper, name: str | None = None) -> None:
        raise OperationalError("couldn't get a connection after 10.00 sec")

    monkeypatch.setattr(BaseDatabaseWrapper, "_cursor", refuse)


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def other_user():
    return UserFactory()


@pytest.fixture
def collection(user):
    return CollectionFactory(owner=user)


@pytest.fixture
def auth_client(client: Client, user) -> Client:
    client.force_login(user)
    return client


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start each probe process (tests/probes.py) that a selected test's module reads: it runs
    while the tests before that one do. A module that reads a probe holds no database test
    (tests/test_probes.py), so `-m services` starts none."""
    modules = {item.module.__name__ for item in session.items if isinstance(item, pytest.Function)}
    for probe in probes.PROBES.values():
        if probe.modules & modules:
            probe.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    for probe in probes.PROBES.values():
        probe.stop()
