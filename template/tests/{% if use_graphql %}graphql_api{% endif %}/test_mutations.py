import pytest

from ..factories import CollectionFactory, ItemFactory, TagFactory
from .conftest import error_codes, execute

pytestmark = pytest.mark.django_db

CREATE_ITEM = """
mutation ($input: ItemInput!) {
  createItem(input: $input) { id name price currency tags { name } metadata collection { id } }
}
"""
UPDATE_ITEM = """
mutation ($id: ID!, $input: ItemPatch!) {
  updateItem(id: $id, input: $input) { name price tags { name } }
}
"""
DELETE_ITEM = "mutation ($id: ID!) { deleteItem(id: $id) }"


def item_input(collection, **changes):
    return {"collectionId": collection.pk, "name": "Lamp", "price": "9.99", **changes}


def test_create_item_goes_through_the_service(gql, collection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        body = gql(
            CREATE_ITEM,
            input=item_input(collection, currency="usd", tags=["Light"], metadata={"watts": 40}),
        )

    assert "errors" not in body, body
    assert body["data"]["createItem"] | {"id": None} == {
        "id": None,
        "name": "Lamp",
        "price": "9.99",
        "currency": "USD",
        "tags": [{"name": "light"}],
        "metadata": {"watts": 40},
        "collection": {"id": str(collection.pk)},
    }
    assert len(callbacks) == 1  # the service's cache invalidation and item_created signal


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tags": ["two words"]}, "tags"),
        ({"price": "-1"}, "price"),
        ({"name": ""}, "name"),
        ({"currency": "EURO"}, "currency"),
        ({"metadata": [1, 2]}, "metadata"),
    ],
)
def test_invalid_data_is_a_graphql_error_with_the_fields(gql, collection, changes, field):
    body = gql(CREATE_ITEM, input=item_input(collection, **changes))

    assert body["data"] is None
    assert error_codes(body) == ["invalid"]
    assert field in body["errors"][0]["extensions"]["fields"]
    assert body["errors"][0]["path"] == ["createItem"]


def test_a_value_of_the_wrong_type_is_refused_before_running(gql, collection):
    body = gql(CREATE_ITEM, input=item_input(collection, price="cheap"))
    assert body["errors"]
    assert "data" not in body or body["data"] is None


def test_creating_in_someone_elses_collection_is_permission_denied(gql):
    body = gql(CREATE_ITEM, input=item_input(CollectionFactory()))
    assert error_codes(body) == ["permission_denied"]


def test_creating_in_a_missing_collection_is_not_found(gql):
    body = gql(CREATE_ITEM, input={"collectionId": "999999", "name": "x", "price": "1"})
    assert error_codes(body) == ["not_found"]


def test_create_collection_and_refuse_a_duplicate_name(gql, user):
    mutation = 'mutation { createCollection(name: "Books") { name owner { username } } }'
    first = gql(mutation)
    second = gql(mutation)

    assert first["data"]["createCollection"] == {
        "name": "Books",
        "owner": {"username": user.username},
    }
    assert error_codes(second) == ["conflict"]


def test_update_changes_only_the_given_fields(gql, collection):
    item = ItemFactory(
        collection=collection, name="Old", price="5.00", tags=[TagFactory(name="red")]
    )

    body = gql(UPDATE_ITEM, id=item.pk, input={"price": "7.50"})

    assert body["data"]["updateItem"] == {"name": "Old", "price": "7.50", "tags": [{"name": "red"}]}


def test_update_of_someone_elses_item_is_permission_denied(gql):
    item = ItemFactory(price="5.00")
    body = gql(UPDATE_ITEM, id=item.pk, input={"price": "1.00"})
    assert error_codes(body) == ["permission_denied"]
    item.refresh_from_db()
    assert str(item.price) == "5.00"


def test_delete_by_the_owner_only(gql, collection):
    mine, theirs = ItemFactory(collection=collection), ItemFactory()

    assert error_codes(gql(DELETE_ITEM, id=theirs.pk)) == ["permission_denied"]
    assert gql(DELETE_ITEM, id=mine.pk) == {"data": {"deleteItem": str(mine.pk)}}
    assert error_codes(gql(DELETE_ITEM, id=mine.pk)) == ["not_found"]


def test_mutations_need_a_signed_in_user(client):
    collection = CollectionFactory()
    body = execute(client, CREATE_ITEM, input=item_input(collection))
    assert error_codes(body) == ["not_authenticated"]
    assert body["errors"][0]["message"] == "Sign in to use this field."
