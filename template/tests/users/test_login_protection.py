"""Brute-force protection of every login form (django-axes): the admin's is the one shipped.

Locking is per username and IP address; these tests log in through the real form, because
`client.login()` calls authenticate() without the request axes needs (use `force_login`).
"""

import pytest
from django.conf import settings
from django.test import Client

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def log_in(client: Client, username: str, password: str, ip: str = "198.51.100.7", **headers):
    return client.post(
        LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers
    )


def fail(client: Client, username: str, times: int, **kwargs):
    return [log_in(client, username, "wrong password", **kwargs).status_code for _ in range(times)]


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_axes_is_wired_as_it_requires():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_good_login_works(client: Client, staff):
    response = log_in(client, staff.username, PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_login_is_locked_after_the_failure_limit_even_with_the_right_password(
    client: Client, staff
):
    limit = settings.AXES_FAILURE_LIMIT
    # The form answers 200 with an error until the limit; the failure that reaches it locks.
    assert fail(client, staff.username, limit) == [200] * (limit - 1) + [429]

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_lockout_is_per_username_and_address(client: Client, staff):
    other = UserFactory.create(is_staff=True)
    fail(client, staff.username, settings.AXES_FAILURE_LIMIT)

    assert log_in(client, staff.username, PASSWORD, ip="203.0.113.9").status_code == 302
    client.logout()
    assert log_in(client, other.username, PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client: Client, staff):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [
        log_in(client, staff.username, "wrong password", X_Forwarded_For=f"192.0.2.{n}").status_code
        for n in range(limit + 1)
    ]
    assert statuses[-2:] == [429, 429]


def test_a_successful_login_resets_the_failure_count(client: Client, staff):
    limit = settings.AXES_FAILURE_LIMIT
    fail(client, staff.username, limit - 1)
    assert log_in(client, staff.username, PASSWORD).status_code == 302
    client.logout()

    # Without the reset, the next failure would lock the account.
    assert fail(client, staff.username, limit - 1) == [200] * (limit - 1)
    assert log_in(client, staff.username, PASSWORD).status_code == 302


def test_behind_a_proxy_the_lockout_follows_the_address_the_proxy_saw(
    client: Client, settings, staff
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    fail(
        client, staff.username, settings.AXES_FAILURE_LIMIT, ip=proxy, X_Forwarded_For="192.0.2.50"
    )

    forged = log_in(
        client, staff.username, PASSWORD, ip=proxy, X_Forwarded_For="1.2.3.4, 192.0.2.50"
    )
    assert forged.status_code == 429
    other = log_in(client, staff.username, PASSWORD, ip=proxy, X_Forwarded_For="192.0.2.51")
    assert other.status_code == 302
