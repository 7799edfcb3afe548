import pytest

from .conftest import assert_error

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"


def test_me_with_a_token(jwt_api, user):
    body = jwt_api.get(ME).json()
    assert body == {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "date_joined": body["date_joined"],
    }


def test_me_with_a_session(api, user):
    api.force_login(user)
    assert api.get(ME).json()["id"] == user.pk


def test_me_needs_a_signed_in_user(api):
    assert_error(api.get(ME), 401, "not_authenticated")


def test_me_is_read_only(jwt_api):
    assert_error(jwt_api.post(ME, {}, format="json"), 405, "method_not_allowed")
