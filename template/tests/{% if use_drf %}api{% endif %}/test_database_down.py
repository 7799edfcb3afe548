"""The API with the database down: 503, the error body and Retry-After, on every endpoint."""

import pytest

from .conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/items/"),
        ("get", "/api/v1/users/me/"),
        ("post", "/api/v1/auth/token/"),
    ],
)
def test_requests_that_need_the_database_are_503(jwt_api, database_down, method, path):
    body = {"username": "someone", "password": "a password"}
    response = getattr(jwt_api, method)(path, body if method == "post" else None, format="json")
    error = assert_error(response, 503, "unavailable")
    assert error["retry_after"] == int(response["Retry-After"]) > 0
