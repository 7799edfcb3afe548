"""GraphQL with the database down: a 503 with Retry-After, errors coded `unavailable`."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_query_that_needs_the_database_is_503(auth_client: Client, database_down):
    response = auth_client.post(
        "/graphql/", {"query": "{ me { username } }"}, content_type="application/json"
    )
    assert response.status_code == 503, response.content
    assert int(response["Retry-After"]) > 0
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"unavailable"}
