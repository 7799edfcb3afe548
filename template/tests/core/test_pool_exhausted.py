"""A connection pool with no connection free in time, PostgreSQL up: 503, not 500."""

import threading

import pytest
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.core.urls"),
]


@pytest.fixture
def pool_of_one():
    """The pool shrunk to one connection, waited for a tenth of a second; restored after."""
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options["pool"])
    connection.close()
    connection.close_pool()
    options["pool"] = {**saved, "min_size": 1, "max_size": 1, "timeout": 0.1}
    yield
    connection.close()
    connection.close_pool()
    options["pool"] = saved


def test_a_request_that_finds_no_free_connection_is_a_503(user, pool_of_one):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    connection.close()  # back to the pool, then held below
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # this thread holds the only connection
        answers = []

        def request() -> None:
            answers.append(client.get("/probe/database/", HTTP_ACCEPT="application/json"))

        other = threading.Thread(target=request)
        other.start()
        other.join(30)
    response = answers[0]
    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "unavailable"
    assert int(response["Retry-After"]) > 0
