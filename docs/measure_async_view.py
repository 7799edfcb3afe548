"""Per-request cost of GET /items/<pk>/price/ through the ASGI handler, in one process.

Counts sync<->async thread hops (asgiref SyncToAsync / AsyncToSync calls), SQL queries and the
median CPU time of N requests (upstream answered by an in-process mock, zero delay).
Run inside a generated project (a throwaway SQLite file, the upstream mocked in process):

    uv run python /path/to/django-pro/docs/measure_async_view.py [N] [-v]

-v also lists what each hop ran. docs/scaling.md quotes its figures.
"""

import asyncio
import importlib
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
DATABASE = os.path.join(tempfile.mkdtemp(), "measure.sqlite3")
os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"

sys.path.insert(0, os.getcwd())
import django  # noqa: E402

django.setup()

import asgiref.sync as asgiref_sync  # noqa: E402
import httpx  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

hops = {"sync_to_async": 0, "async_to_sync": 0}
names: dict = {}
_s2a, _a2s = asgiref_sync.SyncToAsync.__call__, asgiref_sync.AsyncToSync.__call__


async def counting_s2a(self, *args, **kwargs):
    hops["sync_to_async"] += 1
    name = getattr(getattr(self, "func", None), "__qualname__", "?")
    names[name] = names.get(name, 0) + 1
    return await _s2a(self, *args, **kwargs)


def counting_a2s(self, *args, **kwargs):
    hops["async_to_sync"] += 1
    return _a2s(self, *args, **kwargs)


asgiref_sync.SyncToAsync.__call__ = counting_s2a
asgiref_sync.AsyncToSync.__call__ = counting_a2s

queries = []
from django.db.backends.signals import connection_created  # noqa: E402


def _count(execute, sql, *args):
    queries.append(sql)
    return execute(sql, *args)


def _wrap(sender, connection, **kwargs):
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


connection_created.connect(_wrap)

from django.apps import apps  # noqa: E402

PACKAGE = apps.get_app_config("items").name.rsplit(".", 1)[0]
rates = importlib.import_module(f"{PACKAGE}.items.rates")
Collection = apps.get_model("items", "Collection")
Item = apps.get_model("items", "Item")

upstream = httpx.MockTransport(lambda request: httpx.Response(200, json={"rates": {"USD": 1.1}}))
rates.build_client = lambda: httpx.AsyncClient(transport=upstream)


def setup():
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("measure", "m@example.com", "x")
    collection = Collection.objects.create(name="c", owner=user)
    item = Item.objects.create(
        collection=collection, name="i", created_by=user, price="10.00", currency="EUR"
    )
    client = Client()
    client.force_login(user, backend=f"{PACKAGE}.users.backends.CachedModelBackend")
    return item.pk, client.cookies[settings.SESSION_COOKIE_NAME].value


async def main(n: int) -> None:
    pk, session = await asgiref_sync.sync_to_async(setup)()
    # The project's ASGI handler, as config/asgi.py serves it.
    app = importlib.import_module(f"{PACKAGE}.core.handlers").get_asgi_application()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": f"/items/{pk}/price/",
        "raw_path": b"",
        "query_string": b"currency=USD",
        "root_path": "",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "headers": [
            (b"host", b"testserver"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode()),
        ],
    }

    async def one():
        sent = []

        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            if messages:
                return messages.pop()
            await asyncio.Event().wait()  # no disconnect: Django cancels this when it is done

        async def send(message):
            sent.append(message)

        await app(dict(scope), receive, send)
        return sent[0]["status"], sent[1]["body"]

    status, body = await one()  # warm up (the user and session reach the cache)
    assert status == 200, (status, body)
    for _ in range(20):
        await one()
    cpu = []
    hops.update(sync_to_async=0, async_to_sync=0)
    names.clear()
    queries.clear()
    for _ in range(n):
        started = time.process_time()
        await one()
        cpu.append((time.process_time() - started) * 1000)
    print(f"requests: {n}  body: {body.decode()}")
    s2a, a2s = hops["sync_to_async"] / n, hops["async_to_sync"] / n
    print(f"hops/request: sync_to_async {s2a:.1f}, async_to_sync {a2s:.1f}")
    if "-v" in sys.argv:
        print({name: count / n for name, count in names.items()})
    print(f"queries/request: {len(queries) / n:.1f}  ({queries[: max(1, len(queries) // n)]})")
    median, p10 = statistics.median(cpu), statistics.quantiles(cpu, n=10)[0]
    print(f"CPU ms/request: median {median:.2f}  (p10 {p10:.2f})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 300))
