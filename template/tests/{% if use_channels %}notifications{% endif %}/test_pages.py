"""The /notifications/ page, and the settings that serve it and its WebSocket."""

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_page_opens_the_socket_for_a_signed_in_user(auth_client: Client):
    response = auth_client.get("/notifications/")
    assert response.status_code == 200
    assert b"notifications/notifications.js" in response.content
    assert b'id="notifications-list"' in response.content


@pytest.mark.django_db
def test_page_sends_anonymous_visitors_to_the_account_sign_in(client: Client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/notifications/"


def test_asgi_application_is_the_channels_router():
    from channels.routing import ProtocolTypeRouter

    from config.asgi import application

    assert settings.ASGI_APPLICATION == "config.asgi.application"
    assert isinstance(application, ProtocolTypeRouter)
    assert set(application.application_mapping) == {"http", "websocket"}


def test_runserver_is_daphnes_in_development():
    # Django takes a command from the first app that has it: daphne must precede staticfiles.
    from config.settings import local

    assert local.INSTALLED_APPS[0] == "daphne"
    assert local.INSTALLED_APPS.index("daphne") < local.INSTALLED_APPS.index(
        "django.contrib.staticfiles"
    )
