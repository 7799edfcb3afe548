"""Database connections around long waits that need none."""

from django.db import connections


def release_connections() -> None:
    """Give this thread's database connections back now rather than at the end of the request.

    For a view that reads, then waits on something else (an upstream call): while it waits, its
    connection serves other requests (back in psycopg's pool under PostgreSQL; closed, as the end
    of the request would, otherwise). Connections inside a transaction (atomic, a test case) and
    persistent ones (CONN_MAX_AGE, no pool) are left alone.
    """
    for connection in connections.all(initialized_only=True):
        pooled = bool(connection.settings_dict.get("OPTIONS", {}).get("pool"))
        persistent = connection.settings_dict.get("CONN_MAX_AGE", 0) != 0
        if not connection.in_atomic_block and (pooled or not persistent):
            connection.close()
