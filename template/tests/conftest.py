"""Fixtures shared by the whole suite, and the rules for tests that need real services.

Tests marked `postgres` or `redis` run over real connections when DATABASE_URL / REDIS_URL point
at those services, and are skipped (with the reason printed) when they do not.
"""

import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from .factories import CollectionFactory, UserFactory

POSTGRES_CONFIGURED = os.environ.get("DATABASE_URL", "").startswith(
    ("postgres://", "postgresql://")
)
REDIS_CONFIGURED = os.environ.get("REDIS_URL", "").startswith(("redis://", "rediss://"))


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
