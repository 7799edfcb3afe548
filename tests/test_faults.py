"""Faults with real services: the generated project, served by gunicorn, survives PostgreSQL,
Redis and its Celery broker (RabbitMQ) going away and coming back.

Runs on the all-off combination (the base project every combination shares) against private
PostgreSQL and Redis instances on free loopback ports (tests/services.py): the shared ones serve
tests running in parallel and are never stopped. For each service:
- while it is down, /health/ready/ answers 503 naming the failing check, and /health/live/ 200;
- once it is back, /health/ready/ answers 200 again;
- requests in flight meanwhile may fail, but never silently: every 5xx response carries the
  request id we sent, and the server's log has an ERROR line with that id (the cause).

The second test drives every endpoint of the all-layers project with each dependency away in
turn (below).
"""

from __future__ import annotations

import collections
import json
import re
import secrets
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.harness import LOOPBACK, Combination, combination_params
from tests.proxy import CuttableProxy, cuttable_proxy
from tests.services import (
    RABBITMQ_PORT,
    CeleryWorker,
    PrivatePostgres,
    PrivateRedis,
    RabbitVhost,
    Server,
    celery_worker,
    gunicorn,
    need_binary,
    private_postgres,
    private_redis,
    rabbitmq_vhost,
    wait_until,
)
from tests.serving import rates_upstream, readme_worker_command

pytestmark = pytest.mark.slow

# Paths hit while a service restarts: one that reads the database (session, user and items, as a
# signed-in user), readiness, liveness.
LOAD_PATHS = ("/items/", "/health/ready/", "/health/live/")
# A signed-in session made directly in the database, so the load needs no login form.
MAKE_SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

user = get_user_model().objects.create_user("faults", "faults@example.com")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


@dataclass
class Load:
    """A few client threads sending requests, each with its own X-Request-ID, until stopped."""

    server: Server
    session: str
    threads: int = 4
    results: list[tuple[str, str, int, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)

    def _run(self, number: int) -> None:
        sent = 0
        while not self._stop.is_set():
            path = LOAD_PATHS[sent % len(LOAD_PATHS)]
            rid = f"fault-{number}-{sent}"
            headers = {"X-Request-ID": rid, "Cookie": f"sessionid={self.session}"}
            response = self.server.get(path, **headers)
            self.results.append(
                (rid, path, response.status, response.headers.get("X-Request-ID", ""))
            )
            sent += 1

    def __enter__(self) -> Load:
        for number in range(self.threads):
            worker = threading.Thread(target=self._run, args=(number,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(30)


def error_request_ids(log: str) -> set[str]:
    """Request ids of the ERROR (or worse) lines in the server's JSON log."""
    ids = set()
    for line in log.splitlines():
        if not line.startswith("{"):
            continue  # gunicorn's own lines
        record = json.loads(line)
        if record.get("level") in {"ERROR", "CRITICAL"}:
            ids.add(record.get("request_id", "-"))
    return ids


def readiness(server: Server) -> tuple[int, dict[str, str]]:
    response = server.get("/health/ready/")
    try:
        checks = json.loads(response.body).get("checks", {})
    except ValueError:
        checks = {}
    return response.status, checks


@dataclass
class Fault:
    service: str
    check: str
    down_after: float = 0.0
    back_after: float = 0.0
    requests: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)


def exercise(
    server: Server,
    session: str,
    fault: Fault,
    stop: Callable[[], None],
    start: Callable[[], None],
) -> list[tuple[str, str, int, str]]:
    """Stop a service under load; readiness fails, liveness holds; start it; readiness recovers."""
    with Load(server, session) as load:
        stop()
        fault.down_after = wait_until(
            lambda: readiness(server)[0] == 503,
            30,
            f"/health/ready/ to fail without {fault.service}",
        )
        status, checks = readiness(server)
        assert status == 503
        assert checks[fault.check] == "unavailable", checks
        assert all(result == "ok" for name, result in checks.items() if name != fault.check), checks
        assert server.get("/health/live/").status == 200
        start()
        fault.back_after = wait_until(
            lambda: readiness(server)[0] == 200,
            60,
            f"/health/ready/ to recover with {fault.service}",
        )
        # Keep the load on a little past recovery: a stale pooled connection would show here.
        recovered_at = len(load.results)
        wait_until(lambda: len(load.results) > recovered_at + 100, 30, "requests after recovery")
    fault.requests = len(load.results)
    fault.statuses.update(status for _, _, status, _ in load.results)
    return load.results


@pytest.fixture
def served(projects, combination) -> Iterator[tuple[Server, str, object, object]]:
    project = projects(combination)
    project.build()
    workdir = Path(tempfile.mkdtemp(prefix="django-pro-faults-"))
    with private_postgres() as postgres, private_redis() as redis:
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            # Fail fast while the database is away, so readiness answers within seconds.
            "DATABASE_POOL_TIMEOUT": "3",
            "DATABASE_CONNECT_TIMEOUT": "2",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
        }
        project.manage("migrate", "--noinput", settings="production", env=env)
        session = project.manage("shell", "-c", MAKE_SESSION, settings="production", env=env)
        with gunicorn(project, env, workdir) as server:
            yield server, session.stdout.strip().splitlines()[-1], postgres, redis


@pytest.mark.parametrize("combination", combination_params([Combination()]))
def test_readiness_fails_and_recovers_and_no_error_goes_unlogged(served, combination):
    server, session, postgres, redis = served
    assert readiness(server) == (200, {"database": "ok", "cache": "ok"})
    signed_in = server.get("/items/", Cookie=f"sessionid={session}")
    assert signed_in.status == 200, signed_in.body  # the load really reaches the database

    faults = [Fault("PostgreSQL", "database"), Fault("Redis", "cache")]
    results = exercise(server, session, faults[0], postgres.stop, postgres.start)
    results += exercise(server, session, faults[1], redis.stop, redis.start)

    log = server.log_text()
    logged = error_request_ids(log)
    unexplained = [
        (rid, path, status)
        for rid, path, status, _ in results
        if (status >= 500 and rid not in logged) or status == 0
    ]
    wrong_ids = [(rid, echoed) for rid, _, status, echoed in results if status and echoed != rid]
    for fault in faults:
        print(
            f"[{combination.id}] {fault.service} stopped and restarted under load: readiness 503 "
            f"after {fault.down_after:.1f} s, 200 again {fault.back_after:.1f} s after restart; "
            f"{fault.requests} requests, statuses {dict(sorted(fault.statuses.items()))}"
        )
    print(
        f"[{combination.id}] 5xx answers: {sum(1 for r in results if r[2] >= 500)}, "
        f"all logged with their request id: {not unexplained}"
    )
    assert not unexplained, f"5xx or no answer without a logged cause: {unexplained[:20]}"
    assert not wrong_ids, wrong_ids[:20]
    assert "Traceback" not in "\n".join(
        line for line in log.splitlines() if not line.startswith("{")
    ), "gunicorn itself logged a crash"
    assert readiness(server) == (200, {"database": "ok", "cache": "ok"})


# --- Every endpoint, with each dependency down (issue 20) -----------------------------------
#
# The all-layers project under gunicorn, production settings, on a private PostgreSQL and a
# private Redis reached through a proxy the test cuts (Redis keeps its data, as behind a network
# fault, so a value cached before the outage is there to be read stale after it), with RabbitMQ
# as its Celery broker and a worker started with the README's command. The broker is the shared
# RabbitMQ, never stopped: the test works on a virtual host of its own, reached through a second
# proxy it cuts. (A private rabbitmq-server takes an Erlang node, its ports and a cookie, and
# seconds to boot; the proxy takes the broker away as a network fault would, which is what the
# project must survive.) The URL list comes from the project's resolver: a new endpoint is
# driven without a change here.

# Every path the resolver knows, as routes ("api/v1/items/<int:pk>/"); regex routes (the admin's
# per-model pages, static files) are left out.
LIST_ROUTES = """
import json
from django.urls import URLResolver, get_resolver

def walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        else:
            yield route

print(json.dumps(sorted(set(walk(get_resolver().url_patterns)))))
"""
# A user with a password, a session, a collection and an item of theirs.
SEED = """
import json
from decimal import Decimal
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from {slug}.items import services

user = get_user_model().objects.create_user("faults", "faults@example.com", "{password}")
collection = services.collection_create(owner=user, name="Faults")
item = services.item_create(
    collection=collection, created_by=user, name="First", price=Decimal("2.00")
)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({{"session": session.session_key, "collection": collection.pk, "item": item.pk}}))
"""
TASK_ID = "00000000-0000-4000-8000-000000000000"
GRAPHQL_QUERY = "{ me { username } collections { name summary { items } } }"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


def call(
    server: Server, method: str, path: str, headers: dict[str, str], body: object = None
) -> Answer:
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(server.base_url + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


@dataclass
class Site:
    server: Server
    session: str
    collection: int
    item: int
    token: str = ""
    sent: int = 0

    def headers(self, path: str, rid: str) -> dict[str, str]:
        headers = {"Accept": "application/json", "X-Request-ID": rid}
        if path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.token}"
        else:
            headers["Cookie"] = f"sessionid={self.session}"
        return headers

    def request(self, method: str, path: str, body: object = None) -> tuple[str, Answer]:
        self.sent += 1
        rid = f"faults-{self.sent}"
        return rid, call(self.server, method, path, self.headers(path, rid), body)

    def requests(self, routes: list[str]) -> list[tuple[str, str, object]]:
        """Every route as a concrete request: a GET each, plus the writes worth driving."""
        paths = sorted({path for path in map(self.path, routes) if path is not None})
        wanted: list[tuple[str, str, object]] = [("GET", path, None) for path in paths]
        wanted += [
            ("POST", "/api/v1/auth/token/", {"username": "faults", "password": PASSWORD}),
            ("GET", "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_QUERY}), None),
            ("POST", f"/api/v1/collections/{self.collection}/reprice/", {"currency": "USD"}),
        ]
        return wanted

    def path(self, route: str) -> str | None:
        """A path the route matches, its parameters filled with the seeded objects' ids; None
        for a route that only adds a format suffix (REST framework's `.json`)."""
        if "(?P<format>" in route:
            return None

        def value(name: str, converter: str, before: str) -> str:
            if converter == "uuid":
                return TASK_ID
            if converter == "int" or name == "pk":
                return str(self.collection if before.endswith("collections/") else self.item)
            return "x"

        # Regex routes (REST framework's routers): ^items/(?P<pk>[^/.]+)/$
        route = route.replace("^", "").replace("$", "").replace("\\.", ".")
        route = re.sub(
            r"\(\?P<(\w+)>[^)]*\)",
            lambda m: value(m.group(1), "str", route[: m.start()]),
            route,
        )
        route = re.sub(
            r"<(?:(\w+):)?(\w+)>",
            lambda m: value(m.group(2), m.group(1) or "str", route[: m.start()]),
            route,
        )
        return "/" + route


PASSWORD = secrets.token_urlsafe(12)


def drive(site: Site, wanted: list[tuple[str, str, object]]) -> dict[str, tuple[str, Answer]]:
    """Send every request, four at a time; the answers by "METHOD path"."""
    answers: dict[str, tuple[str, Answer]] = {}
    lock = threading.Lock()
    queue = list(wanted)

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                method, path, body = queue.pop()
            answer = site.request(method, path, body)
            with lock:
                answers[f"{method} {path}"] = answer

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(600)
    return answers


def statuses(answers: dict[str, tuple[str, Answer]]) -> dict[str, int]:
    return {key: answer.status for key, (_, answer) in answers.items()}


def by_status(answers: dict[str, tuple[str, Answer]]) -> dict[int, int]:
    return dict(sorted(collections.Counter(statuses(answers).values()).items()))


def summary_items(site: Site) -> int:
    _, answer = site.request("GET", f"/api/v1/collections/{site.collection}/summary/")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert isinstance(body, dict)
    return int(body["items"])


def job_result(site: Site, task_id: str) -> dict[str, object]:
    """The result of a task once a worker has run it (fails if it did not succeed)."""
    path = f"/api/v1/tasks/{task_id}/"
    status: dict[str, object] = {}

    def finished() -> bool:
        answer = site.request("GET", path)[1]
        assert answer.status == 200, answer.body
        status.update(answer.json())  # type: ignore[arg-type]
        return status["state"] in {"SUCCESS", "FAILURE"}

    wait_until(finished, 120, f"task {task_id} to finish")
    assert status["state"] == "SUCCESS", status
    result = status["result"]
    assert isinstance(result, dict)
    return result


def error_lines(log: str) -> collections.Counter[str]:
    """ERROR lines of the server's JSON log, by request id."""
    counted: collections.Counter[str] = collections.Counter()
    for line in log.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("level") in {"ERROR", "CRITICAL"}:
                counted[record.get("request_id", "-")] += 1
    return counted


@dataclass
class Stack:
    """The all-layers project served, its worker, and the dependencies the test takes away."""

    site: Site
    routes: list[str]
    postgres: PrivatePostgres
    redis: PrivateRedis
    redis_proxy: CuttableProxy
    broker_proxy: CuttableProxy
    vhost: RabbitVhost
    worker: CeleryWorker

    def task_results(self) -> int:
        """Tasks the result store knows of: one per task a worker started."""
        listed = subprocess.run(
            [need_binary("redis-cli"), "-p", str(self.redis.port), "--scan"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return sum(1 for key in listed.stdout.split() if key.startswith("celery-task-meta-"))


@pytest.fixture
def all_layers(projects, combination) -> Iterator[Stack]:
    project = projects(combination)
    project.build()
    workdir = Path(tempfile.mkdtemp(prefix="django-pro-faults-"))
    with (
        private_postgres() as postgres,
        private_redis() as redis,
        cuttable_proxy(LOOPBACK, redis.port) as redis_proxy,
        # RabbitMQ is the broker, Redis the result store. The shared RabbitMQ is never stopped:
        # the test cuts a proxy in front of it, on a virtual host of its own.
        rabbitmq_vhost("faults") as vhost,
        cuttable_proxy(LOOPBACK, RABBITMQ_PORT) as broker_proxy,
        rates_upstream() as rates_url,
    ):
        rate = "100000/minute"  # throttling is the project suite's business
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": LOOPBACK,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": postgres.url,
            "REDIS_URL": f"redis://{LOOPBACK}:{redis_proxy.port}/0",
            "CELERY_BROKER_URL": vhost.url(broker_proxy.port),
            "EXCHANGE_RATES_URL": rates_url,
            "API_THROTTLE_ANON": rate,
            "API_THROTTLE_USER": rate,
            "API_THROTTLE_AUTH": rate,
            "DATABASE_POOL_TIMEOUT": "3",
            "DATABASE_CONNECT_TIMEOUT": "2",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
        }
        project.manage("migrate", "--noinput", settings="production", env=env)
        project.manage("collectstatic", "--noinput", settings="production", env=env)
        slug = project.answers["project_slug"]
        seeded = project.manage(
            "shell",
            "-c",
            SEED.format(slug=slug, password=PASSWORD),
            settings="production",
            env=env,
        )
        ids = json.loads(seeded.stdout.strip().splitlines()[-1])
        listed = project.manage("shell", "-c", LIST_ROUTES, settings="production", env=env)
        routes = json.loads(listed.stdout.strip().splitlines()[-1])
        # The admin's own pages (one per model) are Django's, not the project's: its login only.
        routes = [r for r in routes if not r.startswith("admin/") or r == "admin/login/"]
        with (
            celery_worker(project, readme_worker_command(project), env, workdir) as worker,
            gunicorn(project, env, workdir) as server,
        ):
            site = Site(server, ids["session"], ids["collection"], ids["item"])
            _, token = site.request(
                "POST", "/api/v1/auth/token/", {"username": "faults", "password": PASSWORD}
            )
            assert token.status == 200, token.body
            site.token = str(token.json()["access"])  # type: ignore[index]
            yield Stack(site, routes, postgres, redis, redis_proxy, broker_proxy, vhost, worker)


ALL_LAYERS = Combination(*(True,) * 5)


@pytest.mark.parametrize("combination", combination_params([ALL_LAYERS]))
def test_every_endpoint_answers_without_redis_the_broker_or_postgres(all_layers, combination):
    stack = all_layers
    site, routes, postgres = stack.site, stack.routes, stack.postgres
    wanted = site.requests(routes)
    up = drive(site, wanted)
    baseline = statuses(up)
    assert not [k for k, s in baseline.items() if s >= 500], baseline
    assert baseline["GET /health/ready/"] == 200
    report = [f"[{combination.id}] {len(wanted)} requests over {len(routes)} routes"]
    report.append(f"  up: {by_status(up)}")
    reprice = f"POST /api/v1/collections/{site.collection}/reprice/"
    assert baseline[reprice] == 202
    # The worker runs the job the drive started: the seeded item, in EUR, is now in USD.
    started = up[reprice][1].json()
    assert isinstance(started, dict)
    assert job_result(site, str(started["task_id"]))["converted"] == 1
    assert stack.task_results() == 1

    # Redis away: the cache fails soft, throttles fail open, sessions come from the database.
    # Only what lives in Redis is a 503: readiness, a task's status and starting a task (both
    # need the result backend).
    before = summary_items(site)
    summary_items(site)  # cached now
    stack.redis_proxy.cut()
    cut_at = time.monotonic()
    created = site.request(
        "POST",
        "/api/v1/items/",
        {"collection": site.collection, "name": "During", "price": "1.00"},
    )[1]
    assert created.status == 201, created.body  # its cache invalidation is skipped
    down = drive(site, wanted)
    redis_only = {
        "GET /health/ready/",
        f"GET /api/v1/tasks/{TASK_ID}/",
        f"POST /api/v1/collections/{site.collection}/reprice/",
    }
    changed = {
        key: (baseline[key], status)
        for key, status in statuses(down).items()
        if status != baseline[key]
    }
    assert set(changed) <= redis_only, changed
    assert all(status == 503 for _, status in changed.values()), changed
    report.append(f"  Redis down: {by_status(down)}; changed: {sorted(changed)}")
    stack.redis_proxy.restore()
    recovered = wait_until(
        lambda: site.request("GET", "/health/ready/")[1].status == 200, 60, "readiness with Redis"
    )
    report.append(
        f"  Redis back: ready {recovered:.1f} s after ({time.monotonic() - cut_at:.0f} s cut)"
    )
    # No stale read: every worker answers the summary with the item created during the outage.
    assert [summary_items(site) for _ in range(8)] == [before + 1] * 8
    again = drive(site, wanted)
    assert statuses(again) == baseline
    # The job this drive started converts the item created while Redis was cut.
    started = again[reprice][1].json()
    assert isinstance(started, dict)
    assert job_result(site, str(started["task_id"]))["converted"] == 1

    # The broker (RabbitMQ) away: starting a job is a 503 with the error body and Retry-After,
    # and leaves nothing behind: no message queued, no task the result store knows of, so no
    # job runs later for a request that was told it failed. Everything else answers as before.
    tasks_run = stack.task_results()
    stack.broker_proxy.cut()
    cut_at = time.monotonic()
    created = site.request(
        "POST",
        "/api/v1/items/",
        {"collection": site.collection, "name": "Unconverted", "price": "1.00"},
    )[1]
    assert created.status == 201, created.body  # in EUR: a reprice to USD would convert it
    down = drive(site, wanted)
    changed = {
        key: (baseline[key], status)
        for key, status in statuses(down).items()
        if status != baseline[key]
    }
    assert set(changed) == {"GET /health/ready/", reprice}, changed
    assert all(status == 503 for _, status in changed.values()), changed
    ready = down["GET /health/ready/"][1].json()
    assert isinstance(ready, dict)
    assert ready["checks"] == {"database": "ok", "cache": "ok", "broker": "unavailable"}, ready
    rid, refused = down[reprice]
    assert int(refused.headers.get("Retry-After", "0")) > 0, refused.headers
    body = refused.json()
    assert isinstance(body, dict)
    assert body["error"]["code"] == "unavailable", body
    assert "task_id" not in json.dumps(body), body
    assert error_lines(site.server.log_text())[rid] == 1
    assert stack.task_results() == tasks_run  # nothing in the result store says it started
    assert sum(stack.vhost.queued().values()) == 0  # nor a message a worker would run later
    report.append(f"  RabbitMQ cut: {by_status(down)}; changed: {sorted(changed)}")
    stack.broker_proxy.restore()
    restored_at = time.monotonic()
    ready_after = wait_until(
        lambda: site.request("GET", "/health/ready/")[1].status == 200, 60, "readiness, broker"
    )
    # A job starts and finishes: it converts the item created while the broker was cut (no job
    # ran for any of the refused requests, or that item would have been converted already).
    accepted: list[Answer] = []

    def job_accepted() -> bool:
        answer = site.request("POST", reprice.removeprefix("POST "), {"currency": "USD"})[1]
        assert answer.status in {202, 503}, (answer.status, answer.body)
        accepted.append(answer)
        return answer.status == 202

    accepted_after = wait_until(job_accepted, 60, "a job to start with the broker back")
    started = accepted[-1].json()
    assert isinstance(started, dict)
    assert job_result(site, str(started["task_id"]))["converted"] == 1
    done_after = time.monotonic() - restored_at
    assert stack.task_results() == tasks_run + 1
    report.append(
        f"  RabbitMQ back: ready {ready_after:.1f} s after, a job accepted "
        f"{accepted_after:.1f} s and done {done_after:.1f} s after "
        f"({restored_at - cut_at:.0f} s cut; {len(accepted) - 1} job starts refused meanwhile)"
    )
    assert statuses(drive(site, wanted)) == baseline

    # PostgreSQL away: whatever needs it is a 503 with the error body and Retry-After, logged
    # once with its request id; liveness and what needs no database answer as before.
    postgres.stop()
    down = drive(site, wanted)
    assert not [k for k, s in statuses(down).items() if s >= 500 and s != 503], statuses(down)
    assert statuses(down)["GET /health/live/"] == 200
    assert statuses(down)["GET /health/ready/"] == 503
    log = error_lines(site.server.log_text())
    unavailable = 0
    for key, (rid, answer) in down.items():
        if answer.status == 503 and key != "GET /health/ready/":
            unavailable += 1
            assert int(answer.headers.get("Retry-After", "0")) > 0, key
            assert log[rid] == 1, (key, rid, log[rid])
            body = answer.json()
            assert isinstance(body, dict)
            codes = (
                {e["extensions"]["code"] for e in body["errors"]}
                if key.startswith("GET /graphql/?")
                else {body["error"]["code"]}
            )
            assert codes == {"unavailable"}, (key, body)
        elif answer.status != 503:
            assert answer.status == baseline[key], (key, answer.status, baseline[key])
    report.append(f"  PostgreSQL down: {by_status(down)} ({unavailable} answered 503 + error body)")
    postgres.start()
    recovered = wait_until(
        lambda: site.request("GET", "/health/ready/")[1].status == 200, 60, "readiness with PG"
    )
    # Ready is one answer from one gunicorn worker: the other's pool may still wait out its
    # reconnection backoff (psycopg_pool doubles the wait after each failed attempt), and answer
    # 503 meanwhile. Full recovery: every endpoint answers as before, in one drive.
    restarted_at = time.monotonic() - recovered
    drives: list[dict[str, int]] = []
    wait_until(
        lambda: drives.append(statuses(drive(site, wanted))) or drives[-1] == baseline,
        120,
        "every endpoint to answer as before PostgreSQL stopped",
    )
    report.append(
        f"  PostgreSQL back: ready {recovered:.1f} s after restart, every endpoint as before "
        f"{time.monotonic() - restarted_at:.1f} s after ({len(drives)} drives; "
        f"503s in the first: {sum(1 for s in drives[0].values() if s == 503)})"
    )
    print("\n".join(report))
