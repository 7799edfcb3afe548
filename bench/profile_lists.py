"""Where a list request's time goes: N requests of each list endpoint in one process, profiled.

Run by `bench/run.py --profile N` from the generated project's root with its interpreter and the
load part's environment (production settings, the size's database, Redis):
`.venv/bin/python <bench>/profile_lists.py OUT.txt LABEL N`. Each request runs with the cache
emptied first (both levels), so it shows the work a miss does: the queries, authentication,
serialization. cProfile (the standard library's) is used; the text lists the top frames by
cumulative and by own time. The same measurement without the profiler's overhead, per endpoint
and filter, is list_cost.py.
"""

import cProfile
import importlib
import io
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

GRAPHQL_QUERY = (
    "{ items(pagination: {limit: 20}) { totalCount results { id name price currency "
    "collection { id name owner { username } } createdBy { username } tags { name } } } }"
)


def local_cache() -> object | None:
    """The project's level-1 cache, emptied with Redis's before each request."""
    for package in Path.cwd().iterdir():
        if (package / "items" / "cache.py").exists():
            return getattr(importlib.import_module(f"{package.name}.items.cache"), "local", None)
    return None


def main(out: Path, label: str, runs: int) -> None:
    local = local_cache()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench"))
    urls = [
        ("list (DRF /api/v1/items/)", "/api/v1/items/"),
        ("GraphQL nested list", "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_QUERY})),
    ]
    text = [
        f"# {label}: {runs} requests per endpoint under cProfile, the cache emptied before each "
        "(so the session and the user are read from the database too)",
        "",
    ]
    for name, url in urls:
        client.get(url)  # imports and first-use costs out of the profile
        profiler = cProfile.Profile()
        times, sql_ms, queries = [], [], 0
        for _ in range(runs):
            cache.clear()
            if local is not None:
                local.clear()  # type: ignore[attr-defined]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                profiler.enable()
                response = client.get(url)
                profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
            sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.content[:300]!r}")
        for order, limit in (("cumulative", 50), ("tottime", 25)):
            buffer = io.StringIO()
            stats = pstats.Stats(profiler, stream=buffer)
            stats.strip_dirs().sort_stats(order).print_stats(limit)
            body = buffer.getvalue()
            body = body[body.find("   ncalls") :]  # drop pstats' own preamble
            text += [
                f"## {name}: median {statistics.median(times):.1f} ms per request (profiled), "
                f"{queries} queries taking {statistics.median(sql_ms):.1f} ms; "
                f"top {limit} by {order}",
                "",
                body.rstrip(),
                "",
            ]
    out.write_text("\n".join(text) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
