"""Helpers of the GraphQL tests: post an operation to /graphql/ and read its JSON answer."""

from typing import Any

import pytest
from django.test import Client


def execute(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    """POST one operation; a GraphQL answer is a 200 whether or not it holds errors."""
    response = client.post(
        "/graphql/", {"query": query, "variables": variables}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


@pytest.fixture
def gql(auth_client: Client):
    """Run an operation as the signed-in `user` fixture."""

    def run(query: str, **variables: Any) -> dict[str, Any]:
        return execute(auth_client, query, **variables)

    return run
