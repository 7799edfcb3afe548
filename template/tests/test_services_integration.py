"""The same project over real PostgreSQL and Redis: run with DATABASE_URL and REDIS_URL set."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_is_used_through_the_connection_pool():
    assert connection.vendor == "postgresql"
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] >= 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.pool is not None


@pytest.mark.redis
def test_redis_cache_round_trips_over_a_real_connection():
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"it:{uuid.uuid4().hex}"
    cache.set(key, {"a": 1}, timeout=10)
    assert cache.get(key) == {"a": 1}
    cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db
def test_readiness_checks_the_real_services(client: Client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["checks"].items() >= {"database": "ok", "cache": "ok"}.items()
