from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from ..factories import CollectionFactory, ItemFactory, TagFactory
from .conftest import assert_error

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"


def item_url(item) -> str:
    return f"{ITEMS}{item.pk}/"


@pytest.mark.parametrize("rows", [1, 50])
def test_list_queries_stay_constant_as_rows_grow(jwt_api, rows, django_assert_num_queries):
    ItemFactory.create_batch(rows, collection=CollectionFactory(), tags=[TagFactory()])
    # the user of the token, the count, the page of items with their relations, their tags
    with django_assert_num_queries(4):
        response = jwt_api.get(f"{ITEMS}?page_size=100")
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_a_page_is_served_from_the_cache_until_an_item_changes(
    jwt_api, user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    collection = CollectionFactory(owner=user)
    ItemFactory(collection=collection)
    first = jwt_api.get(ITEMS).json()

    with django_assert_num_queries(1):  # the user of the token only
        assert jwt_api.get(ITEMS).json() == first
    with django_capture_on_commit_callbacks(execute=True):
        body = {"collection": collection.pk, "name": "New", "price": "1.00"}
        created = jwt_api.post(ITEMS, body)

    assert jwt_api.get(ITEMS).json()["results"][0]["id"] == created.json()["id"]


def test_list_shape_and_pages(jwt_api):
    collection = CollectionFactory()
    items = ItemFactory.create_batch(3, collection=collection, tags=[TagFactory(name="red")])

    first = jwt_api.get(f"{ITEMS}?page_size=2").json()
    second = jwt_api.get(first["next"]).json()

    assert first["count"] == 3
    assert first["previous"] is None
    assert [row["id"] for row in first["results"] + second["results"]] == [
        item.pk for item in reversed(items)
    ]
    row = first["results"][0]
    assert row["collection"] == {
        "id": collection.pk,
        "name": collection.name,
        "owner": collection.owner.username,
    }
    assert (row["price"], row["currency"], row["tags"]) == ("10.00", "EUR", ["red"])
    assert jwt_api.get(f"{ITEMS}?page_size=2&page=last").json()["results"] == second["results"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=101", "page_size"),
        ("page_size=100000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=%C2%B2", "page"),  # "²", a digit to str.isdigit()
        ("collection=abc", "collection"),
        ("collection=-1.0356e257", "collection"),  # overflowed the database's integer: a 500
        ("collection=1.5", "collection"),
        ("collection=0", "collection"),
        ("collection=9223372036854775808", "collection"),
        ("collection=", "collection"),
        ("min_price=cheap", "min_price"),
        ("min_price=-1", "min_price"),
        ("max_price=1e", "max_price"),
        ("max_price=1e300", "max_price"),
        ("max_price=", "max_price"),
        ("tag=two%20words", "tag"),
        ("tag=" + "x" * 51, "tag"),
        ("currency=EURO", "currency"),
        ("currency=", "currency"),
        ("created_after=yesterday", "created_after"),
        ("created_after=", "created_after"),
        ("ordering=owner", "ordering"),
        ("ordering=", "ordering"),
        ("ordering=price&ordering=name&ordering=created_at&ordering=-price", "ordering"),
    ],
)
def test_list_rejects_bad_parameters_with_400(jwt_api, query, field):
    assert_error(jwt_api.get(f"{ITEMS}?{query}"), 400, "invalid", field)


def test_several_orderings_read_the_same_repeated_or_comma_separated(jwt_api):
    collection = CollectionFactory()
    first = ItemFactory(collection=collection, price=Decimal("5.00"), name="b")
    second = ItemFactory(collection=collection, price=Decimal("5.00"), name="a")
    third = ItemFactory(collection=collection, price=Decimal("1.00"), name="c")
    expected = [third.pk, second.pk, first.pk]  # by price, then by name

    for query in ("ordering=price&ordering=name", "ordering=price,name"):
        response = jwt_api.get(f"{ITEMS}?collection={collection.pk}&{query}")
        assert [row["id"] for row in response.json()["results"]] == expected, query


@pytest.mark.parametrize(("ordering", "oldest_first"), [("price", True), ("-price", False)])
def test_rows_equal_on_every_key_come_by_id_so_pages_do_not_overlap(
    jwt_api, ordering, oldest_first
):
    collection = CollectionFactory()
    older, newer = ItemFactory.create_batch(2, collection=collection, price=Decimal("5.00"))
    query = f"{ITEMS}?collection={collection.pk}&ordering={ordering}&page_size=1"

    pages = [jwt_api.get(f"{query}&page={page}").json()["results"] for page in (1, 2)]

    expected = [older.pk, newer.pk] if oldest_first else [newer.pk, older.pk]
    assert [page[0]["id"] for page in pages] == expected


@pytest.mark.parametrize(
    ("created_after", "everything"),
    [
        ("0001-01-01T00:00:00%2B14:00", True),  # before year 1 in UTC: overflowed, a 500
        ("9999-12-31T23:59:59-14:00", False),  # after year 9999 in UTC
        ("2000-01-01T00:00:00%2B20:06", True),  # an offset PostgreSQL refuses
    ],
)
def test_a_date_beyond_what_utc_holds_bounds_everything_or_nothing(
    jwt_api, created_after, everything
):
    item = ItemFactory()
    response = jwt_api.get(f"{ITEMS}?created_after={created_after}")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == ([item.pk] if everything else [])


def test_list_past_the_last_page_is_404(jwt_api):
    ItemFactory()
    assert_error(jwt_api.get(f"{ITEMS}?page=2"), 404, "not_found")


def test_list_filters(jwt_api):
    collection = CollectionFactory()
    cheap = ItemFactory(collection=collection, price=Decimal("1.00"), tags=[TagFactory(name="a")])
    dear = ItemFactory(collection=collection, price=Decimal("50.00"), currency="USD")
    middle = ItemFactory(price=Decimal("20.00"))

    def ids(query: str) -> list[int]:
        response = jwt_api.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"collection={collection.pk}&ordering=price") == [cheap.pk, dear.pk]
    assert ids(f"collection={collection.pk}&ordering=-price") == [dear.pk, cheap.pk]
    assert ids("tag=A") == [cheap.pk]
    assert ids("currency=usd") == [dear.pk]
    assert ids("min_price=20&max_price=49.99") == [middle.pk]
    assert ids("created_after=2999-01-01T00:00:00Z") == []
    assert ids("collection=999999") == []


def test_retrieve(jwt_api):
    item = ItemFactory(metadata={"size": "L"})
    body = jwt_api.get(item_url(item)).json()
    assert (body["id"], body["name"], body["metadata"]) == (item.pk, item.name, {"size": "L"})
    assert body["created_by"] == item.created_by.username


@pytest.mark.parametrize("path", [f"{ITEMS}999999/", f"{ITEMS}abc/", "/api/v1/nothing/here/"])
def test_unknown_objects_and_paths_are_json_404s(jwt_api, path):
    assert_error(jwt_api.get(path), 404, "not_found")


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_writes_to_unknown_paths_are_json_404s_not_csrf_pages(user, method):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)  # a session cookie: Django's CSRF check would apply
    assert_error(client.generic(method, f"{ITEMS}a.b/"), 404, "not_found")


def test_anonymous_requests_get_401_with_a_bearer_challenge(api):
    item = ItemFactory()
    for method, path in (("get", ITEMS), ("get", item_url(item)), ("delete", item_url(item))):
        response = getattr(api, method)(path)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_authentication_works_too(api, user):
    ItemFactory()
    api.force_login(user)
    assert api.get(ITEMS).status_code == 200


def test_create(jwt_api, collection):
    body = {
        "collection": collection.pk,
        "name": "Lamp",
        "price": "9.99",
        "currency": "usd",
        "tags": ["Light", "desk"],
        "metadata": {"watts": 40},
    }
    response = jwt_api.post(ITEMS, body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name"], created["price"], created["currency"]) == ("Lamp", "9.99", "USD")
    assert created["tags"] == ["desk", "light"]
    assert created["metadata"] == {"watts": 40}
    assert jwt_api.get(f"{ITEMS}{created['id']}/").json() == created


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["collection", "name", "price"]),
        ({"collection": "one", "name": "x", "price": "1"}, ["collection"]),
        ({"collection": 1, "name": "", "price": "1"}, ["name"]),
        ({"collection": 1, "name": "x" * 201, "price": "1"}, ["name"]),
        ({"collection": 1, "name": "x", "price": "cheap"}, ["price"]),
        ({"collection": 1, "name": "x", "price": "-1"}, ["price"]),
        ({"collection": 1, "name": "x", "price": "1.001"}, ["price"]),
        ({"collection": 1, "name": "x", "price": [1]}, ["price"]),
        ({"collection": 1, "name": "x", "price": "1", "currency": "EURO"}, ["currency"]),
        ({"collection": 1, "name": "x", "price": "1", "tags": "red"}, ["tags"]),
        ({"collection": 1, "name": "x", "price": "1", "tags": [{"a": 1}]}, ["tags.0"]),
        ({"collection": 1, "name": "x", "price": "1", "metadata": [1]}, ["metadata"]),
        ({"collection": 1, "name": "x", "price": "1", "tags": ["two words"]}, ["tags.0"]),
        # Only what the schema says: no other JSON type, converted or not.
        ({"collection": "1", "name": "x", "price": "1"}, ["collection"]),
        ({"collection": 1.0, "name": "x", "price": "1"}, ["collection"]),
        ({"collection": True, "name": "x", "price": "1"}, ["collection"]),
        ({"collection": 2**63, "name": "x", "price": "1"}, ["collection"]),
        ({"collection": 1, "name": 5, "price": "1"}, ["name"]),
        ({"collection": 1, "name": " ", "price": "1"}, ["name"]),
        ({"collection": 1, "name": "x", "price": 9.99}, ["price"]),
        ({"collection": 1, "name": "x", "price": 10}, ["price"]),
        ({"collection": 1, "name": "x", "price": ""}, ["price"]),
        ({"collection": 1, "name": "x", "price": "1e3"}, ["price"]),
        ({"collection": 1, "name": "x", "price": "12345678901"}, ["price"]),
        ({"collection": 1, "name": "x", "price": "1", "currency": 978}, ["currency"]),
        # PostgreSQL stores no NUL character in JSON: it failed the write with a 500.
        ({"collection": 1, "name": "x", "price": "1", "metadata": {"a": "\x00"}}, ["metadata"]),
        ({"collection": 1, "name": "x", "price": "1", "metadata": {"\x00": 1}}, ["metadata"]),
    ],
)
def test_create_rejects_invalid_data_with_field_errors(jwt_api, body, fields):
    assert_error(jwt_api.post(ITEMS, body, format="json"), 400, "invalid", *fields)


def test_create_in_a_missing_collection_is_404(jwt_api):
    body = {"collection": 999999, "name": "x", "price": "1"}
    assert_error(jwt_api.post(ITEMS, body, format="json"), 404, "not_found")


def test_a_body_nested_deeper_than_json_can_parse_is_a_400(jwt_api):
    body = '{"metadata": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = jwt_api.generic("POST", ITEMS, body, content_type="application/json")
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', ""])
def test_create_rejects_malformed_json(jwt_api, body):
    response = jwt_api.generic("POST", ITEMS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"malformed_json", "invalid"}


def test_create_rejects_other_content_types_with_415(jwt_api, collection):
    response = jwt_api.post(ITEMS, {"collection": collection.pk}, format="multipart")
    assert_error(response, 415, "unsupported_media_type")


def test_create_in_someone_elses_collection_is_403(other_api, collection):
    body = {"collection": collection.pk, "name": "x", "price": "1"}
    error = assert_error(other_api.post(ITEMS, body, format="json"), 403, "permission_denied")
    assert "owner" in error["message"]


def test_owner_patches_an_item(jwt_api, collection):
    item = ItemFactory(collection=collection)
    response = jwt_api.patch(item_url(item), {"price": "20.50", "tags": ["x"]}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["price"], response.json()["tags"]) == ("20.50", ["x"])
    assert response.json()["name"] == item.name  # not sent, so kept


def test_patch_rejects_invalid_values(jwt_api, collection):
    item = ItemFactory(collection=collection)
    response = jwt_api.patch(item_url(item), {"price": "-3", "name": 5.5}, format="json")
    assert_error(response, 400, "invalid", "price")


def test_others_cannot_patch_or_delete(other_api, collection):
    item = ItemFactory(collection=collection)
    assert_error(
        other_api.patch(item_url(item), {"name": "mine"}, format="json"), 403, "permission_denied"
    )
    assert_error(other_api.delete(item_url(item)), 403, "permission_denied")
    assert other_api.get(item_url(item)).json()["name"] == item.name  # reads are allowed


def test_owner_deletes_an_item(jwt_api, collection):
    item = ItemFactory(collection=collection)
    assert jwt_api.delete(item_url(item)).status_code == 204
    assert_error(jwt_api.get(item_url(item)), 404, "not_found")


def test_put_is_405_with_the_allowed_methods(jwt_api, collection):
    item = ItemFactory(collection=collection)
    response = jwt_api.put(item_url(item), {"name": "x"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]
    assert "PUT" not in response["Allow"]
