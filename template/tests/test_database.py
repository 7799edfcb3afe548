"""A transactional test ends with its rows deleted: nothing left for the next test, content types
and permissions as migrate made them, no TRUNCATE and nothing re-created (tests/database.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from .factories import CollectionFactory

MIGRATED = (ContentType._meta.db_table, Permission._meta.db_table)


def rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_the_end_of_a_transactional_test_leaves_only_the_migrated_rows():
    CollectionFactory()
    migrated = {table: rows(table) for table in MIGRATED}

    with CaptureQueriesContext(connection) as queries:
        TransactionTestCase()._fixture_teardown()  # what ends every transactional test

    tables = connection.introspection.django_table_names(only_existing=True)
    assert {table: rows(table) for table in tables if rows(table)} == migrated
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert "TRUNCATE" not in statements
    assert "INSERT" not in statements
