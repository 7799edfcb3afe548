"""Brute-force protection of the JWT endpoint: django-axes locks it like the admin's login form.

simplejwt authenticates with the request, so axes counts every failure per username and address;
once locked, even the right password is refused, with a 429 in the API's error body.
"""

import pytest
from django.conf import settings

from .conftest import assert_error

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
PASSWORD = "correct horse battery staple"  # tests/factories.py


def sign_in(api, username: str, password: str, ip: str = "198.51.100.7"):
    body = {"username": username, "password": password}
    return api.post(TOKEN, body, format="json", REMOTE_ADDR=ip)


def test_the_jwt_endpoint_locks_out_after_the_failure_limit_even_the_right_password(api, user):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in(api, user.username, "wrong").status_code for _ in range(limit)]
    # Wrong credentials until the limit; the failure that reaches it locks.
    assert statuses == [401] * (limit - 1) + [429]

    response = sign_in(api, user.username, PASSWORD)

    error = assert_error(response, 429, "locked_out")
    assert "access" not in response.json()
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert error["retry_after"] == cool_off
    assert int(response["Retry-After"]) == cool_off
    assert set(error) == {"code", "message", "retry_after"}


def test_the_lockout_is_per_username_and_address(api, user, other_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(api, user.username, "wrong")

    assert sign_in(api, user.username, PASSWORD, ip="203.0.113.9").status_code == 200
    assert sign_in(api, other_user.username, PASSWORD).status_code == 200


def test_wrong_passwords_below_the_limit_stay_401(api, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_error(sign_in(api, user.username, "wrong"), 401, "no_active_account")
    assert sign_in(api, user.username, PASSWORD).status_code == 200
