"""The OpenAPI schema validates without a warning and documents every operation fully."""

import json
import re

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


def parameters(schema, path, method="get"):
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


def test_ids_in_paths_are_integers_in_every_operation(schema):
    # A route matching [0-9]+ was a string with a pattern, <int:pk> an integer: generated
    # clients took ids of two types.
    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["name"] in {"id", "pk"}:
                assert parameter["schema"] == {"type": "integer"}, name


@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("page", "minimum"),
        ("page_size", "maximum"),
        ("collection", "maximum"),  # an integer, not a number: -1.0356e257 was a 500
        ("min_price", "minimum"),
        ("max_price", "maximum"),
        ("tag", "pattern"),
        ("currency", "pattern"),
        ("ordering", "maxItems"),
    ],
)
def test_the_item_list_documents_each_bound_it_checks(schema, name, bound):
    assert bound in parameters(schema, "/api/v1/items/")[name]["schema"]


def test_several_orderings_are_sent_as_repeated_parameters(schema):
    # explode: false was ignored by generators, which sent ?ordering=a&ordering=b anyway.
    ordering = parameters(schema, "/api/v1/items/")["ordering"]
    assert ordering.get("explode", True) is True
    assert ordering.get("style", "form") == "form"
    assert ordering["schema"]["items"]["enum"]


def test_the_create_input_says_which_fields_are_required(schema):
    create = schema["components"]["schemas"]["ItemCreateInputRequest"]
    update = schema["components"]["schemas"]["PatchedItemUpdateInputRequest"]
    assert set(create["required"]) == {"collection", "name", "price"}
    assert "optional" not in create["description"]
    for field in create["required"]:
        assert f"`{field}`" in create["description"]
    assert "required" not in update


def test_a_price_is_a_decimal_string_of_the_pattern_the_server_checks(schema):
    price = schema["components"]["schemas"]["ItemCreateInputRequest"]["properties"]["price"]
    pattern = re.compile(price["pattern"])
    assert price["type"] == "string"
    for accepted in ("0", "9.99", "1234567890.5"):
        assert pattern.search(accepted), accepted
    for refused in ("", "-1", "1.", ".5", "1.234", "12345678901", "1e3"):
        assert not pattern.search(refused), refused


def test_text_that_is_trimmed_cannot_be_only_spaces(schema):
    name = schema["components"]["schemas"]["ItemCreateInputRequest"]["properties"]["name"]
    assert not re.search(name["pattern"], "   ")


def test_a_request_line_too_long_is_documented(schema):
    responses = schema["paths"]["/api/v1/items/"]["get"]["responses"]
    assert "414" in responses
    assert "content" not in responses["414"]  # the HTTP server's answer, not the API's


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
