"""The test database after a transactional test: its rows deleted, not its tables flushed.

Django's TransactionTestCase (pytest-django's `transactional_db`, `live_server` and
`django_db(transaction=True)`) ends every test with `flush`: it empties every table (TRUNCATE on
PostgreSQL), then re-creates content types and permissions with a hundred or so queries. That is
most of the time of a test of an async view: 0.1 s on SQLite, 0.4-0.8 s on PostgreSQL, where
TRUNCATE gives each table and index new files however few rows the test wrote. Deleting those
rows takes some 15 ms, and content types and permissions, kept as migrate made them, need no
re-creating.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.test import TransactionTestCase

# Django's flush, for what this module leaves to it; a private method django-stubs leaves out.
flush = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

# What migrate writes (through post_migrate) and Django's flush writes again after emptying.
KEPT_TABLES = {ContentType._meta.db_table, Permission._meta.db_table}


def delete_rows(test: TransactionTestCase) -> None:
    """Empty every table but KEPT_TABLES with DELETE; where Django flushes differently
    (available_apps, reset_sequences, serialized_rollback), Django's flush.

    Foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY DEFERRED on
    PostgreSQL and SQLite), so the tables can be emptied in any order.
    """
    if test.available_apps is not None or test.reset_sequences or test.serialized_rollback:
        flush(test)
        return
    aliases = connections if test.databases == "__all__" else test.databases
    for alias in aliases:
        connection = connections[alias]
        tables = set(connection.introspection.django_table_names(only_existing=True))
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for table in sorted(tables - KEPT_TABLES):
                # Table names from Django's own introspection, quoted by the backend.
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
