import json

import pytest
from django.test import Client

from ..factories import CollectionFactory, ItemFactory, TagFactory

pytestmark = pytest.mark.django_db


def post_json(client: Client, path: str, body, method: str = "post"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(path, data=data, content_type="application/json")


@pytest.mark.parametrize("rows", [1, 50])
def test_list_queries_stay_constant_as_rows_grow(auth_client, rows, django_assert_num_queries):
    ItemFactory.create_batch(rows, collection=CollectionFactory(), tags=[TagFactory()])
    # session + user, count, the page of items with their relations, their tags
    with django_assert_num_queries(5):
        response = auth_client.get("/items/?page_size=100")
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_list_pages_and_filters(auth_client):
    collection = CollectionFactory()
    ItemFactory.create_batch(3, collection=collection)
    ItemFactory()

    body = auth_client.get(f"/items/?collection={collection.pk}&page_size=2&page=2").json()

    assert (body["count"], body["page"], body["pages"]) == (3, 2, 2)
    assert len(body["results"]) == 1


def test_list_caps_the_page_size(auth_client):
    ItemFactory.create_batch(3)
    assert auth_client.get("/items/?page_size=100000").status_code == 200


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page_size=-1", "collection=x"])
def test_list_rejects_bad_parameters_with_400(auth_client, query):
    response = auth_client.get(f"/items/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_list_answers_404_past_the_last_page(auth_client):
    assert auth_client.get("/items/?page=9").status_code == 404


def test_endpoints_require_a_signed_in_user(client):
    item = ItemFactory()
    for path in (
        "/items/",
        f"/items/{item.pk}/",
        f"/items/collections/{item.collection_id}/summary/",
    ):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"


def test_create_returns_201_with_the_item(auth_client, collection):
    response = post_json(
        auth_client,
        "/items/",
        {
            "collection": collection.pk,
            "name": "Lamp",
            "price": "9.99",
            "tags": ["light"],
            "metadata": {"watts": 40},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["price"], body["currency"]) == ("Lamp", "9.99", "EUR")
    assert body["tags"] == ["light"]
    assert body["collection"]["id"] == collection.pk


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "price": "1"}, "collection"),
        ({"collection": 1, "price": "1"}, "name"),
        ({"collection": 1, "name": "x", "price": "cheap"}, "price"),
        ({"collection": 1, "name": "x", "price": "1", "tags": "red"}, "tags"),
        ({"collection": 1, "name": "x", "price": "1", "metadata": [1]}, "metadata"),
        ({"collection": 1, "name": "x", "price": "1", "currency": "EURO"}, "currency"),
    ],
)
def test_create_rejects_invalid_fields_with_400(auth_client, body, field):
    response = post_json(auth_client, "/items/", body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_create_rejects_a_tag_that_is_not_a_slug(auth_client, collection):
    body = {"collection": collection.pk, "name": "x", "price": "1", "tags": ["two words"]}
    response = post_json(auth_client, "/items/", body)
    assert response.status_code == 400
    assert "tags" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "code"), [("{not json", "malformed_json"), ("[1, 2]", "malformed_json")]
)
def test_create_rejects_malformed_json_with_400(auth_client, body, code):
    response = post_json(auth_client, "/items/", body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_create_rejects_other_content_types_with_415(auth_client):
    response = auth_client.post("/items/", data={"name": "x"})
    assert response.status_code == 415


def test_create_in_someone_elses_collection_is_403(auth_client):
    body = {"collection": CollectionFactory().pk, "name": "x", "price": "1"}
    response = post_json(auth_client, "/items/", body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_create_in_a_missing_collection_is_404(auth_client):
    response = post_json(auth_client, "/items/", {"collection": 999999, "name": "x", "price": "1"})
    assert response.status_code == 404


def test_detail_supports_conditional_get(auth_client):
    item = ItemFactory()
    first = auth_client.get(f"/items/{item.pk}/")
    assert first.status_code == 200
    assert first.json()["id"] == item.pk

    etag_hit = auth_client.get(f"/items/{item.pk}/", headers={"If-None-Match": first["ETag"]})
    date_hit = auth_client.get(
        f"/items/{item.pk}/", headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert etag_hit.status_code == 304
    assert date_hit.status_code == 304


def test_detail_of_a_missing_item_is_404(auth_client):
    response = auth_client.get("/items/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_patch_changes_the_item_and_its_etag(auth_client, collection):
    item = ItemFactory(collection=collection)
    before = auth_client.get(f"/items/{item.pk}/")["ETag"]
    response = post_json(auth_client, f"/items/{item.pk}/", {"price": "20.00"}, method="patch")
    assert response.status_code == 200
    assert response.json()["price"] == "20.00"
    assert auth_client.get(f"/items/{item.pk}/")["ETag"] != before


def test_patch_rejects_invalid_values(auth_client, collection):
    item = ItemFactory(collection=collection)
    response = post_json(auth_client, f"/items/{item.pk}/", {"price": "-3"}, method="patch")
    assert response.status_code == 400
    assert "price" in response.json()["error"]["fields"]


def test_delete_by_owner_is_204_and_by_others_403(auth_client, collection):
    mine, theirs = ItemFactory(collection=collection), ItemFactory()
    assert auth_client.delete(f"/items/{theirs.pk}/").status_code == 403
    assert auth_client.delete(f"/items/{mine.pk}/").status_code == 204
    assert auth_client.get(f"/items/{mine.pk}/").status_code == 404


def test_unsupported_methods_get_a_json_405(auth_client):
    response = auth_client.put("/items/", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_summary_is_served_from_cache_and_refreshed_after_a_write(
    auth_client, collection, django_assert_num_queries, django_capture_on_commit_callbacks
):
    ItemFactory(collection=collection, price="2.00")
    url = f"/items/collections/{collection.pk}/summary/"
    assert auth_client.get(url).json()["items"] == 1

    with django_assert_num_queries(2):  # session and user only: the summary comes from the cache
        assert auth_client.get(url).json()["items"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        body = {"collection": collection.pk, "name": "New", "price": "3.00"}
        assert post_json(auth_client, "/items/", body).status_code == 201
    assert auth_client.get(url).json() == {
        "collection": {"id": collection.pk, "name": collection.name},
        "items": 2,
        "total_value": "5.00",
        "tags": {},
    }
