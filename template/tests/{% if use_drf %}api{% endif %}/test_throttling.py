"""Throttling: per client address for anonymous and token requests, per user otherwise.

The counts live in the default cache: Redis when REDIS_URL is set, so every process shares them.
"""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates: str) -> None:
        framework = settings.REST_FRAMEWORK
        merged = {**framework["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = {**framework, "DEFAULT_THROTTLE_RATES": merged}

    return set_rates


def test_signed_in_users_are_throttled_per_user(jwt_api, other_api, rates):
    rates(user="2/minute")
    assert jwt_api.get("/api/v1/users/me/").status_code == 200
    assert jwt_api.get("/api/v1/users/me/").status_code == 200
    response = jwt_api.get("/api/v1/users/me/")
    error = assert_error(response, 429, "throttled")
    assert 0 < error["retry_after"] <= 60
    assert int(response["Retry-After"]) == error["retry_after"]
    assert other_api.get("/api/v1/users/me/").status_code == 200  # a bucket per user


def test_anonymous_clients_are_throttled(api, rates):
    rates(anon="1/minute")
    assert api.get("/api/schema/").status_code == 200
    response = api.get("/api/schema/")  # answered in the schema's own format
    assert response.status_code == 429
    assert response["Retry-After"]


def test_token_endpoints_have_their_own_stricter_rate(api, user, rates):
    rates(auth="2/minute")
    body = {"username": user.username, "password": "wrong"}
    for _ in range(2):
        assert api.post("/api/v1/auth/token/", body, format="json").status_code == 401
    assert_error(api.post("/api/v1/auth/token/", body, format="json"), 429, "throttled")


@pytest.mark.redis
def test_counts_are_kept_in_redis(jwt_api, user, rates):
    assert django_settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    rates(user="5/minute")
    jwt_api.get("/api/v1/users/me/")
    assert len(cache.get(f"throttle_user_{user.pk}")) == 1
