import pytest
from rest_framework_dataclasses.serializers import DataclassSerializer

from ..factories import CollectionFactory, ItemFactory
from .conftest import assert_error

pytestmark = pytest.mark.django_db

COLLECTIONS = "/api/v1/collections/"


def test_create_a_collection_of_your_own(jwt_api, user):
    response = jwt_api.post(COLLECTIONS, {"name": "Books"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == user.username
    assert user.collections.get().name == "Books"


@pytest.mark.parametrize(
    "body", [{}, {"name": ""}, {"name": " "}, {"name": "x" * 121}, {"name": ["a"]}, {"name": 0}]
)
def test_create_rejects_invalid_names(jwt_api, body):
    assert_error(jwt_api.post(COLLECTIONS, body, format="json"), 400, "invalid", "name")


def test_create_refuses_a_name_you_already_use_as_a_conflict(jwt_api, collection):
    # Valid data, refused for what is already there: a 409, not a 400 that says it is invalid.
    response = jwt_api.post(COLLECTIONS, {"name": collection.name}, format="json")
    assert_error(response, 409, "conflict", "non_field_errors")


def test_retrieve_any_collection(jwt_api):
    collection = CollectionFactory()
    body = jwt_api.get(f"{COLLECTIONS}{collection.pk}/").json()
    assert (body["id"], body["owner"]) == (collection.pk, collection.owner.username)


def test_missing_collection_is_404(jwt_api):
    assert_error(jwt_api.get(f"{COLLECTIONS}999999/"), 404, "not_found")
    assert_error(jwt_api.get(f"{COLLECTIONS}999999/summary/"), 404, "not_found")


def test_collections_refuse_anonymous_requests(api, collection):
    assert_error(api.get(f"{COLLECTIONS}{collection.pk}/"), 401, "not_authenticated")
    assert_error(api.post(COLLECTIONS, {"name": "x"}, format="json"), 401, "not_authenticated")


def test_summary_is_cached_until_an_item_changes(
    jwt_api, collection, django_assert_num_queries, django_capture_on_commit_callbacks
):
    ItemFactory(collection=collection, price="2.00")
    url = f"{COLLECTIONS}{collection.pk}/summary/"
    assert jwt_api.get(url).json()["items"] == 1

    with django_assert_num_queries(1):  # the user of the token: the summary is cached
        assert jwt_api.get(url).json()["items"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        body = {"collection": collection.pk, "name": "New", "price": "3.00", "tags": ["red"]}
        assert jwt_api.post("/api/v1/items/", body, format="json").status_code == 201
    assert jwt_api.get(url).json() == {
        "collection": {"id": collection.pk, "name": collection.name},
        "items": 2,
        "total_value": "5.00",
        "tags": {"red": 1},
    }


def test_a_cached_summary_is_served_as_it_was_serialized(jwt_api, collection, monkeypatch):
    # Building a serializer's fields from the dataclass took a quarter of a cached answer's
    # CPU: the answer is cached serialized.
    serialized = []
    to_representation = DataclassSerializer.to_representation

    def counted(serializer, instance):
        serialized.append(instance)
        return to_representation(serializer, instance)

    monkeypatch.setattr(DataclassSerializer, "to_representation", counted)
    ItemFactory(collection=collection, price="2.00")
    url = f"{COLLECTIONS}{collection.pk}/summary/"
    first = jwt_api.get(url).json()
    assert serialized  # the summary, then its collection's name
    serialized.clear()

    assert jwt_api.get(url).json() == first
    assert serialized == []
