"""Fixtures of the REST API tests: an API client, and one signed in with a JWT access token."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def jwt_api(user):
    """Signed in as `user` with a JWT, the way a non-browser client calls the API."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user)["Authorization"])
    return client


@pytest.fixture
def other_api(other_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(other_user)["Authorization"])
    return client


def assert_error(response, status: int, code: str, *fields: str):
    """The response is the project's error body with this status and code (and these fields)."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    for field in fields:
        assert field in error["fields"], error
    return error
