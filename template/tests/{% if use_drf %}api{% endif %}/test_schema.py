"""The OpenAPI schema validates without a warning and documents every operation fully."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    # --fail-on-warn turns every warning of the generator into an error.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(path),
    )
    return json.loads(path.read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_summary_and_its_errors(schema):
    for name, operation in operations(schema):
        assert operation.get("summary"), name
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), name
        for code in ("401", "429"):
            ref = responses[code]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", name
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), name


def test_the_token_endpoint_documents_its_lockout(schema):
    response = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]["429"]
    assert "`locked_out`" in response["description"]
    assert response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"


def test_schema_covers_every_endpoint(schema):
    assert {
        "/api/v1/items/",
        "/api/v1/items/{id}/",
        "/api/v1/collections/",
        "/api/v1/collections/{id}/",
        "/api/v1/collections/{id}/summary/",
        "/api/v1/users/me/",
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/auth/logout/",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"jwtAuth", "cookieAuth"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/schema/", "application/vnd.oai.openapi"),
        ("/api/docs/", "text/html"),
        ("/api/redoc/", "text/html"),
    ],
)
def test_schema_and_docs_are_served(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
