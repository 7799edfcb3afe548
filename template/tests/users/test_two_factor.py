"""Two-factor authentication on the account pages: an authenticator app's codes (TOTP, computed
here as an app computes them, RFC 6238) and the recovery codes that come with it."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


def totp(secret: str) -> str:
    """The code an authenticator app shows now for this secret (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def sign_in(client: Client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.fixture
def two_factor_user(client: Client, user, settings):
    """A user who turned on an authenticator app through the pages; returns its secret."""
    # A code stays valid one period either side, as apps and servers usually allow: no test
    # fails because the clock ticked between computing a code and posting it.
    settings.MFA_TOTP_TOLERANCE = 1
    assert sign_in(client, user.email).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before 2FA changes
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    assert response.status_code == 302
    client.post("/accounts/logout/")
    return user, secret


def test_turning_on_totp_gives_recovery_codes_too(two_factor_user):
    user, _ = two_factor_user
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert kinds == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_the_password_alone_no_longer_signs_in(client: Client, two_factor_user):
    user, _ = two_factor_user
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_the_app_code_completes_the_sign_in_once(client: Client, two_factor_user):
    user, secret = two_factor_user
    sign_in(client, user.email)
    code = totp(secret)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session

    client.post("/accounts/logout/")
    sign_in(client, user.email)
    replayed = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert replayed.status_code == 200  # the form again, with an error: a code works once
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_instead(client: Client, two_factor_user):
    user, _ = two_factor_user
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type="recovery_codes"))
    sign_in(client, user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes.get_unused_codes()[0]})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_guessing_codes_is_cut_off_even_before_the_right_one(client: Client, two_factor_user):
    # allauth's failed-sign-in limit guards the second step (django-axes sees passwords only).
    user, secret = two_factor_user
    sign_in(client, user.email)
    right = totp(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post("/accounts/2fa/authenticate/", {"code": wrong}).status_code == 200

    response = client.post("/accounts/2fa/authenticate/", {"code": right})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
