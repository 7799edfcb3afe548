"""Accounts in a real browser, on the all-off project served as in production (gunicorn, strict
CSP, secure cookies) over a throwaway SQLite database, its mail sent over SMTP to a server the
test starts on loopback (aiosmtpd): sign up, receive the confirmation mail, follow its link,
turn on an authenticator app (TOTP, the code computed here as an app computes it), sign out, and
sign in again with the password and a code. No page may break the Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import struct
import tempfile
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.harness import Combination, combination_params, free_port
from tests.services import Server, gunicorn, wait_until
from tests.test_browser import chromium, production_env

pytestmark = [pytest.mark.slow]
ALL_OFF = pytest.mark.parametrize("combination", combination_params([Combination()]))
PERIOD = 30  # seconds a TOTP code lasts (allauth's default, and every app's)


class Inbox:
    """aiosmtpd's handler: keeps every message the project sends."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def link_to(self, address: str) -> str:
        """The path of the link in the first message to this address, once it has arrived."""
        wait_until(lambda: any(m["To"] == address for m in self.messages), 30, "the mail")
        message = next(m for m in self.messages if m["To"] == address)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        [url] = re.findall(r"https?://\S+", body.get_content())
        return re.sub(r"^https?://[^/]+", "", url)


def totp_now(secret: str) -> str:
    """The code an authenticator app shows for this secret, never one about to expire (the server
    accepts the current period only)."""
    if PERIOD - time.time() % PERIOD < 3:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // PERIOD), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def served_with_mail(projects, combination) -> Iterator[tuple[Server, Inbox]]:
    project = projects(combination)
    project.build()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        workdir = Path(tempfile.mkdtemp(prefix="django-pro-accounts-"))
        env = production_env(
            project,
            workdir,
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(smtp.port),
            DJANGO_EMAIL_USE_TLS="false",  # a relay on the same host, as the docs allow
        )
        with gunicorn(project, env, workdir) as server:
            yield server, inbox
    finally:
        smtp.stop()


@ALL_OFF
def test_sign_up_confirm_turn_on_totp_and_sign_in_with_a_code(served_with_mail, combination):
    server, inbox = served_with_mail
    base = server.base_url
    email = f"grace-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(16)

    with chromium() as (browser, page, csp_violations):
        page.goto(base + "/")
        page.click("header >> text=Sign up")
        page.wait_for_url(base + "/accounts/signup/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password1]", password)
        page.fill("input[name=password2]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(base + "/accounts/confirm-email/")

        page.goto(base + inbox.link_to(email))
        page.click("main form button[type=submit]")  # "Confirm"
        page.wait_for_url(base + "/")  # confirmed, and signed in by it

        page.goto(base + "/accounts/2fa/totp/activate/")
        if "/accounts/reauthenticate/" in page.url:  # the password again before 2FA changes
            page.fill("input[name=password]", password)
            page.click("main form button[type=submit]")
            page.wait_for_url(base + "/accounts/2fa/totp/activate/")
        secret = page.input_value("#authenticator_secret")
        page.fill("input[name=code]", totp_now(secret))
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r".*/accounts/2fa/(recovery-codes/)?$"))

        page.goto(base + "/accounts/logout/")
        page.click("main form button[type=submit]")
        page.wait_for_url(base + "/")

        page.goto(base + "/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(base + "/accounts/2fa/authenticate/")
        page.fill("input[name=code]", totp_now(secret))
        page.click("main form button[type=submit]")
        page.wait_for_url(base + "/")
        assert page.locator("header >> text=Sign out").count() == 1

        print(
            f"[{combination.id}] Chromium {browser.version}: signed up, confirmed over SMTP "
            f"({len(inbox.messages)} mails), TOTP on, signed in with a code; CSP violations: "
            f"{len(csp_violations)}"
        )

    assert not csp_violations, csp_violations
