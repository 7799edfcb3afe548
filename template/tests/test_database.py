"""A transactional test ends with its rows deleted: nothing left for the next test, content types
and permissions as migrate made them, no TRUNCATE and nothing re-created (tests/database.py)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from .factories import CollectionFactory


def tables_with_rows() -> dict[str, int]:
    """Rows of each table of an installed model (many-to-many tables too) that has any."""
    models = apps.get_models(include_auto_created=True)
    counts = {m._meta.db_table: m._base_manager.count() for m in models if not m._meta.proxy}
    return {table: count for table, count in counts.items() if count}


@pytest.mark.django_db(transaction=True)
def test_the_end_of_a_transactional_test_leaves_only_the_migrated_rows():
    CollectionFactory()
    migrated = {
        ContentType._meta.db_table: ContentType.objects.count(),
        Permission._meta.db_table: Permission.objects.count(),
    }

    with CaptureQueriesContext(connection) as queries:
        TransactionTestCase()._fixture_teardown()  # what ends every transactional test

    assert tables_with_rows() == migrated
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert "TRUNCATE" not in statements
    assert "INSERT" not in statements
