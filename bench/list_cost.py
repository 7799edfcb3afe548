"""In-process cost of the item lists of a generated project (every layer on): queries, total,
CPU (this process's) and SQL milliseconds per request (median of RUNS), with the cache emptied
before each request (cold) and kept (warm). Nothing is served over HTTP: this is the cost of
the data and the stack in one process, without the server, and runs on a busy machine.

    createdb -h 127.0.0.1 -U postgres bench_items
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_items .venv/bin/python manage.py migrate
    psql -h 127.0.0.1 -U postgres bench_items -v n=1000000 -f <bench>/seed_generate_series.sql
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_items PYTHONPATH=. \
        .venv/bin/python <bench>/list_cost.py LABEL [RUNS]   # from the project's root

Prints one JSON object per endpoint and mode. The project's package must be `my_service` (the
default slug). The cache is the in-process one (REDIS_URL unset), so "warm" is level 1.
"""

import importlib
import json
import os
import statistics
import sys
import time
import urllib.parse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.pop("REDIS_URL", None)

GRAPHQL_QUERY = (
    "{ items(pagination: {limit: 20}) { totalCount results { id name price currency "
    "collection { id name owner { username } } tags { name } } } }"
)


def main(label: str, runs: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    models = importlib.import_module("my_service.items.models")
    users = importlib.import_module("my_service.users.models")
    try:
        local = importlib.import_module("my_service.items.cache").local
    except (ImportError, AttributeError):  # before the two-level cache
        local = None

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(users.User.objects.order_by("pk").first())
    collection = models.Collection.objects.order_by("pk").first().pk
    tag = models.Tag.objects.order_by("pk").first().name
    urls = [
        ("list", "/api/v1/items/"),
        ("ordering=price", "/api/v1/items/?ordering=price"),
        ("ordering=-name", "/api/v1/items/?ordering=-name"),
        ("currency=usd", "/api/v1/items/?currency=usd"),
        ("collection", f"/api/v1/items/?collection={collection}"),
        ("tag", f"/api/v1/items/?tag={tag}"),
        ("min_price=999", "/api/v1/items/?min_price=999"),
        ("page=400", "/api/v1/items/?page=400"),
        ("graphql list", "/graphql/?query=" + urllib.parse.quote(GRAPHQL_QUERY)),
    ]

    def clear() -> None:
        cache.clear()
        if local is not None:
            local.clear()

    for name, url in urls:
        for mode in ("cold", "warm"):
            times, cpu, sql_ms, queries = [], [], [], 0
            clear()
            client.get(url)
            for _ in range(runs):
                if mode == "cold":
                    clear()
                with CaptureQueriesContext(connection) as captured:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
                queries = len(captured.captured_queries)
                sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            row = {
                "label": label,
                "endpoint": name,
                "mode": mode,
                "queries": queries,
                "ms": round(statistics.median(times), 1),
                "cpu_ms": round(statistics.median(cpu), 1),
                "sql_ms": round(statistics.median(sql_ms), 1),
            }
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
