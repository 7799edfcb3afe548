"""JSON Web Tokens: obtain, use, refresh (rotating), log out; every bad token is a 401."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from .conftest import assert_error

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/users/me/"
PASSWORD = "correct horse battery staple"  # tests/factories.py


def obtain(api, user):
    response = api.post(TOKEN, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_token_pair_signs_requests_in(api, user):
    tokens = obtain(api, user)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get(ME).json()["username"] == user.username


def test_access_tokens_are_short_lived(user):
    token = AccessToken.for_user(user)
    assert token["exp"] - token["iat"] <= 15 * 60


@pytest.mark.parametrize("known_user", [True, False])
def test_wrong_credentials_are_401(api, user, known_user):
    body = {"username": user.username if known_user else "nobody", "password": "wrong"}
    assert_error(api.post(TOKEN, body, format="json"), 401, "no_active_account")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "username"),
        ({"username": "x"}, "password"),
        ({"username": ["x"], "password": "y"}, "username"),
    ],
)
def test_incomplete_credentials_are_400(api, body, field):
    assert_error(api.post(TOKEN, body, format="json"), 400, "invalid", field)


def test_refresh_rotates_and_blacklists_the_old_token(api, user):
    tokens = obtain(api, user)
    response = api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200, response.content
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"}
    assert fresh["refresh"] != tokens["refresh"]

    reused = api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert_error(reused, 401, "token_not_valid")


def test_logout_blacklists_the_refresh_token(api, user):
    tokens = obtain(api, user)
    assert api.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 204
    response = api.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert_error(response, 401, "token_not_valid")


@pytest.mark.parametrize("url", [REFRESH, LOGOUT])
def test_refresh_and_logout_reject_bad_tokens(api, user, url):
    access = str(AccessToken.for_user(user))  # an access token is not a refresh token
    for token in ("not-a-token", access):
        assert_error(api.post(url, {"refresh": token}, format="json"), 401, "token_not_valid")
    assert_error(api.post(url, {}, format="json"), 400, "invalid", "refresh")


def test_expired_tokens_are_401(api, user):
    token = AccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(hours=1))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(api.get(ME), 401, "token_not_valid")

    refresh = RefreshToken.for_user(user)
    refresh.set_exp(from_time=timezone.now() - timedelta(days=30))
    assert_error(
        api.post(REFRESH, {"refresh": str(refresh)}, format="json"), 401, "token_not_valid"
    )


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer", "Bearer a b", "Token abc"])
def test_invalid_authorization_headers_are_401(api, header):
    response = api.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {
        "token_not_valid",
        "bad_authorization_header",
        "not_authenticated",
    }


def test_a_token_of_a_deleted_user_is_401(api, user):
    token = AccessToken.for_user(user)
    user.delete()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(ME).status_code == 401
