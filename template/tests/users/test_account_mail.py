"""The account e-mails, received over SMTP by a real server on loopback, and their links followed.

aiosmtpd listens on a free port for each test; the project sends through Django's SMTP backend
(config/settings/mail.py), so the message goes over a socket as it would to a relay.
"""

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from config.settings.mail import mail_settings

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


class Inbox:
    """aiosmtpd's handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def link(self, to: str) -> str:
        """The path of the one link in the one message sent to this address."""
        [message] = [message for message in self.messages if message["To"] == to]
        text = message.get_body(preferencelist=("plain",))
        assert text is not None
        body = text.get_content()
        [url] = re.findall(r"https?://\S+", body)
        return re.sub(r"^https?://[^/]+", "", url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    for name, value in mail_settings("smtp", host="127.0.0.1", port=controller.port).items():
        setattr(settings, name, value)
    yield inbox
    controller.stop()


def test_sign_up_mails_a_link_that_confirms_the_address_and_signs_in(client: Client, inbox):
    email = "grace@example.com"
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session  # not before the address is confirmed

    confirm = inbox.link(email)
    assert confirm.startswith("/accounts/confirm-email/")
    assert client.get(confirm).status_code == 200
    response = client.post(confirm)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_password_reset_link_sets_a_new_password(client: Client, inbox, user):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302

    reset = inbox.link(user.email)
    form = client.get(reset, follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0]
    response = client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    signed_in = client.post("/accounts/login/", {"login": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_reset_for_an_unknown_address_mails_no_link(client: Client, inbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert all("/accounts/password/reset/key/" not in str(m) for m in inbox.messages)
