"""Faults with real services: the generated project, served by gunicorn, survives PostgreSQL and
Redis going away and coming back.

Runs on the all-off combination (the base project every combination shares) against private
PostgreSQL and Redis instances on free loopback ports (tests/services.py): the shared ones serve
tests running in parallel and are never stopped. For each service:
- while it is down, /health/ready/ answers 503 naming the failing check, and /health/live/ 200;
- once it is back, /health/ready/ answers 200 again;
- requests in flight meanwhile may fail, but never silently: every 5xx response carries the
  request id we sent, and the server's log has an ERROR line with that id (the cause).
"""

from __future__ import annotations

import collections
import json
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.harness import Combination, combination_params
from tests.services import (
    Server,
    gunicorn,
    private_postgres,
    private_redis,
    wait_until,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params([Combination()])),
]

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
