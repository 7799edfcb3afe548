import pytest
from django.test import Client

from ..factories import CollectionFactory, ItemFactory, TagFactory, UserFactory
from .conftest import error_codes, execute

pytestmark = pytest.mark.django_db

NESTED_ITEMS = """
query {
  items(pagination: {limit: 100}) {
    totalCount
    results {
      id name price currency metadata createdAt
      collection { id name owner { username } }
      createdBy { username displayName }
      tags { name }
    }
  }
}
"""


@pytest.mark.parametrize("rows", [1, 50])
def test_nested_item_list_issues_the_same_queries_for_1_and_50_rows(
    gql, rows, django_assert_num_queries
):
    tags = [TagFactory(name="red"), TagFactory(name="blue")]
    ItemFactory.create_batch(rows, collection=CollectionFactory(), tags=tags)

    # the user (the session is read from the cache), the count, the page of items joined with
    # collection, owner and creator, and one query for the tags of the whole page
    with django_assert_num_queries(4):
        body = gql(NESTED_ITEMS)

    assert "errors" not in body, body
    results = body["data"]["items"]["results"]
    assert body["data"]["items"]["totalCount"] == len(results) == rows
    assert {tag["name"] for tag in results[0]["tags"]} == {"red", "blue"}


@pytest.mark.parametrize("rows", [1, 20])
def test_nested_collection_list_issues_the_same_queries_for_1_and_20_rows(
    gql, rows, django_assert_num_queries
):
    tag = TagFactory(name="red")
    for _ in range(rows):
        ItemFactory.create_batch(3, collection=CollectionFactory(), tags=[tag])
    query = """
    {
      collections(pagination: {limit: 100}) {
        results {
          name owner { username }
          items(pagination: {limit: 2}) { totalCount results { name tags { name } } }
        }
      }
    }
    """

    # the user (the session is read from the cache), the collections with their owners, one
    # windowed query for the first page of every collection's items (with their counts), and the
    # tags of those items
    with django_assert_num_queries(4):
        body = gql(query)

    results = body["data"]["collections"]["results"]
    assert len(results) == rows
    assert results[0]["items"]["totalCount"] == 3
    assert len(results[0]["items"]["results"]) == 2


def test_items_are_filtered_ordered_and_paged(gql):
    collection = CollectionFactory()
    for name, price in [("Lamp", "30.00"), ("Desk lamp", "10.00"), ("Chair", "20.00")]:
        ItemFactory(collection=collection, name=name, price=price, tags=[TagFactory(name="home")])
    ItemFactory(name="Other lamp")

    body = gql(
        """
        query ($collection: ID!) {
          items(
            filters: {name: {iContains: "lamp"}, collection: {id: {exact: $collection}}}
            ordering: [{price: ASC}]
            pagination: {offset: 0, limit: 1}
          ) { totalCount pageInfo { offset limit } results { name price } }
        }
        """,
        collection=collection.pk,
    )

    page = body["data"]["items"]
    assert page["totalCount"] == 2
    assert page["pageInfo"] == {"offset": 0, "limit": 1}
    assert page["results"] == [{"name": "Desk lamp", "price": "10.00"}]


def test_items_are_filtered_by_tag_and_price(gql):
    ItemFactory(name="Red", price="5.00", tags=[TagFactory(name="red")])
    ItemFactory(name="Dear red", price="50.00", tags=[TagFactory(name="red")])
    ItemFactory(name="Blue", price="5.00", tags=[TagFactory(name="blue")])

    body = gql(
        '{ items(filters: {tags: {name: {exact: "red"}}, price: {lt: "10"}}) { results { name } } }'
    )

    assert body["data"]["items"]["results"] == [{"name": "Red"}]


def test_page_size_is_capped(gql, settings):
    ItemFactory.create_batch(3)
    settings.STRAWBERRY_DJANGO = {"PAGINATION_DEFAULT_LIMIT": 2, "PAGINATION_MAX_LIMIT": 2}

    body = gql("{ items(pagination: {limit: 1000}) { totalCount results { id } } }")

    assert body["data"]["items"]["totalCount"] == 3
    assert len(body["data"]["items"]["results"]) == 2


def test_one_item_by_id_and_null_for_a_missing_one(gql):
    item = ItemFactory(tags=[TagFactory(name="red")])

    body = gql(
        "query ($id: ID!) { item(id: $id) { name tags { name } collection { name } } }", id=item.pk
    )
    missing = gql("{ item(id: 999999) { name } }")

    assert body["data"]["item"] == {
        "name": item.name,
        "tags": [{"name": "red"}],
        "collection": {"name": item.collection.name},
    }
    assert missing == {"data": {"item": None}}


def test_an_id_that_is_not_a_number_is_a_validation_error(gql):
    body = gql('{ item(id: "abc") { name } }')
    assert error_codes(body) == ["invalid"]
    assert body["errors"][0]["extensions"]["fields"] == {"id": ["Enter a valid id."]}


def test_collections_with_their_items_and_cached_summary(gql, django_assert_max_num_queries):
    red = TagFactory(name="red")
    collection = CollectionFactory(name="Lights")
    ItemFactory(collection=collection, price="2.50", tags=[red])
    ItemFactory(collection=collection, price="1.50")

    query = """
    query ($id: ID!) {
      collections(filters: {name: {exact: "Lights"}}) {
        results {
          name owner { username }
          items { totalCount results { price } }
          summary { items totalValue tags { name items } }
        }
      }
      collection(id: $id) { name }
    }
    """
    body = gql(query, id=collection.pk)

    found = body["data"]["collections"]["results"]
    assert len(found) == 1
    assert found[0]["items"]["totalCount"] == 2
    assert found[0]["summary"] == {
        "items": 2,
        "totalValue": "4.00",
        "tags": [{"name": "red", "items": 1}],
    }
    assert body["data"]["collection"] == {"name": "Lights"}


def test_tags_are_listed_by_name(gql):
    TagFactory(name="red")
    TagFactory(name="blue")
    assert gql("{ tags { name } }")["data"]["tags"] == [{"name": "blue"}, {"name": "red"}]


def test_queries_need_a_signed_in_user(client):
    ItemFactory()
    for query in ("{ items { totalCount } }", "{ item(id: 1) { id } }", "{ tags { id } }"):
        body = execute(client, query)
        assert error_codes(body) == ["not_authenticated"], query


def test_me_is_the_signed_in_user_and_null_when_anonymous(gql, user):
    body = gql("{ me { username email } }")
    assert body["data"]["me"] == {"username": user.username, "email": user.email}
    assert execute(Client(), "{ me { username } }") == {"data": {"me": None}}


def test_email_is_private_to_its_user(gql, user):
    other = UserFactory()
    ItemFactory(collection=CollectionFactory(owner=other))
    ItemFactory(collection=CollectionFactory(owner=user))

    body = gql("{ items { results { createdBy { username email } } } }")

    emails = {
        row["createdBy"]["username"]: row["createdBy"]["email"]
        for row in body["data"]["items"]["results"]
    }
    assert emails == {user.username: user.email, other.username: None}


def test_the_item_list_is_served_from_the_cache_until_an_item_changes(
    gql, collection, django_assert_num_queries, django_capture_on_commit_callbacks
):
    ItemFactory(collection=collection)
    first = gql(NESTED_ITEMS)

    with django_assert_num_queries(0):  # the session, the user and the answer are all cached
        assert gql(NESTED_ITEMS) == first
    with django_capture_on_commit_callbacks(execute=True):
        created = gql(
            'mutation($c: ID!) { createItem(input: {collectionId: $c, name: "New", price: "1"})'
            " { id } }",
            c=collection.pk,
        )
    assert (
        gql(NESTED_ITEMS)["data"]["items"]["results"][0]["id"]
        == created["data"]["createItem"]["id"]
    )


def test_a_renamed_user_is_seen_in_the_cached_item_list(gql, user, collection):
    ItemFactory(collection=collection, created_by=user)
    assert gql(NESTED_ITEMS)["data"]["items"]["results"][0]["createdBy"]["displayName"] != "New"
    user.display_name = "New"
    user.save()
    assert gql(NESTED_ITEMS)["data"]["items"]["results"][0]["createdBy"]["displayName"] == "New"


def test_queries_that_read_more_than_the_item_list_are_not_cached(gql, django_assert_num_queries):
    document = "{ me { username } items { totalCount } }"
    gql(document)
    with django_assert_num_queries(1):  # the count, read again (session and user are cached)
        gql(document)
