"""django-pro benchmarks: the template (generation, first test run, matrix) and the generated
project under load, against a minimal Django reference. One command:

    uv run python bench/run.py                 # everything but the matrix
    uv run python bench/run.py --matrix        # also time the whole template test suite
    uv run python bench/run.py --quick         # short runs, to try it out

Writes bench/results/results.{json,md,png}. Everything it starts listens on 127.0.0.1 only, is
bounded in time, and is stopped at the end, also on failure or Ctrl-C. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS = BENCH / "results"
LAYERS = ("drf", "celery", "channels", "graphql", "docker")
PYTHON = "/root/.pyenv/versions/3.13.0/bin/python3.13"
DB_NAME = "django_pro_bench"
REDIS_URL = "redis://127.0.0.1:6379/11"
HOST = "127.0.0.1"
# One nested list query of the GraphQL layer: a page of items with collection, owner and tags.
GRAPHQL_QUERY = (
    "{ items(pagination: {limit: 20}) { totalCount results { id name price currency "
    "collection { id name owner { username } } createdBy { username } tags { name } } } }"
)
TARGET_P95_MS = 200.0
TARGET_SLOW_QUERY_MS = 50.0


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        cmd, cwd=cwd, env=env, text=True, capture_output=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
            f"{result.stderr[-3000:]}"
        )
    return result


def timed(cmd: list[str], **kwargs: Any) -> float:
    started = time.perf_counter()
    run(cmd, **kwargs)
    return time.perf_counter() - started


def clean_env(**extra: str) -> dict[str, str]:
    """Our environment without anything that would leak into a generated project's commands."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VIRTUAL_ENV", "UV_PROJECT", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "PYTHONPATH", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


def available_layers() -> list[str]:
    """The layers this checkout of the template has files for (a layer is switched by names)."""
    names = [str(path) for path in (ROOT / "template").rglob("*")]
    return [layer for layer in LAYERS if any(f"use_{layer} " in name for name in names)]


def copier_copy(dst: Path, layers: bool | list[str]) -> None:
    """Generate with every layer off (False), on (True), or on for the listed ones."""
    shutil.rmtree(dst, ignore_errors=True)
    chosen = LAYERS if layers is True else layers or []
    data = [
        arg for layer in LAYERS for arg in ("--data", f"use_{layer}={str(layer in chosen).lower()}")
    ]
    copier = str(Path(sys.executable).parent / "copier")
    run(
        [copier, "copy", "-q", "--trust", "--defaults", *data, str(ROOT), str(dst)], env=clean_env()
    )


def uv_sync(project: Path) -> None:
    run(["uv", "sync", "-q", "-p", PYTHON], cwd=project, env=clean_env())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- processes: everything started here is stopped at the end ------------------------------


class Processes:
    """Started processes, each in its own session so its whole group can be stopped."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(
        self,
        cmd: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        log_file: Path,
        port: int,
        probe: str = "/",
    ) -> subprocess.Popen[bytes]:
        with log_file.open("ab") as output:
            process = subprocess.Popen(
                cmd,
                cwd=cwd,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.started.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{cmd[0]} exited: see {log_file}\n{log_file.read_text()[-2000:]}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection((HOST, port), timeout=1),
            ):
                return process
            time.sleep(0.2)
        raise RuntimeError(f"{' '.join(cmd)} did not listen on {port} within 60 s")

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in reversed(list(self.started)):
            self.stop(process)


@contextlib.contextmanager
def processes() -> Iterator[Processes]:
    procs = Processes()

    def on_signal(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield procs
    finally:
        procs.stop_all()
        signal.signal(signal.SIGTERM, previous)


# --- template side --------------------------------------------------------------------------


def bench_template(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, layers in (("copier copy, defaults", False), ("copier copy, all layers", True)):
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            copier_copy(WORK / "gen-copy", layers)
            times.append(time.perf_counter() - started)
        out[name] = {"median_s": statistics.median(times), "runs": times}
        log(f"{name}: median {statistics.median(times):.2f} s over {len(times)}")

    # Warm uv's cache once, then measure copy -> sync -> first green test run from scratch.
    copier_copy(WORK / "gen-warm", False)
    uv_sync(WORK / "gen-warm")
    syncs, tests, totals = [], [], []
    for _ in range(args.test_runs):
        project = WORK / "gen-test"
        started = time.perf_counter()
        copier_copy(project, False)
        copied = time.perf_counter()
        uv_sync(project)
        synced = time.perf_counter()
        run(
            [str(project / ".venv/bin/pytest"), "-q", "-p", "no:cacheprovider", "--create-db"],
            cwd=project,
            env=clean_env(),
        )
        done = time.perf_counter()
        syncs.append(synced - copied)
        tests.append(done - synced)
        totals.append(done - started)
    out["first green test run (copy + uv sync + pytest)"] = {
        "median_s": statistics.median(totals),
        "runs": totals,
        "uv_sync_median_s": statistics.median(syncs),
        "pytest_median_s": statistics.median(tests),
    }
    log(
        f"first green test run: median {statistics.median(totals):.1f} s "
        f"(uv sync {statistics.median(syncs):.1f} s, pytest {statistics.median(tests):.1f} s)"
    )

    matrix_file = RESULTS / "matrix.json"
    if args.matrix:
        log("whole template suite (the matrix): uv run pytest ... this takes many minutes")
        started = time.perf_counter()
        result = subprocess.run(
            ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env=clean_env(),
            text=True,
            capture_output=True,
            check=False,
            timeout=4 * 3600,
        )
        elapsed = time.perf_counter() - started
        summary = (result.stdout.strip().splitlines() or ["?"])[-1]
        matrix_file.write_text(
            json.dumps(
                {
                    "seconds": elapsed,
                    "green": result.returncode == 0,
                    "summary": summary,
                    "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "commit": git_commit(),
                },
                indent=2,
            )
            + "\n"
        )
        log(f"matrix: {elapsed:.0f} s, {summary}")
    out["matrix"] = json.loads(matrix_file.read_text()) if matrix_file.exists() else None
    return out


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
    )
    return result.stdout.strip() or "?"


# --- load -----------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    path: str
    server: str = "project"  # project (gunicorn), asgi (uvicorn) or reference
    skip: str = ""
    authenticated: bool = True


@dataclass
class Load:
    """Everything the load part needs to reach the servers."""

    project: Path
    env: dict[str, str]
    token: str
    cookie: str = ""
    ids: dict[str, Any] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log_files: dict[str, Path] = field(default_factory=dict)


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def scrape(load: Load, server: str) -> dict[str, float]:
    """The project's /metrics as {series: value}, summed over workers by the endpoint."""
    status, body = http_get(
        f"http://{HOST}:{load.ports[server]}/metrics", {"Authorization": f"Bearer {load.token}"}
    )
    if status != 200:
        raise RuntimeError(f"/metrics answered {status}: {body[:300]!r}")
    metrics: dict[str, float] = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            metrics[series] = metrics.get(series, 0.0) + float(value)
    return metrics


def settled(load: Load, server: str, limit: float = 60) -> dict[str, float]:
    """Metrics once the server is idle: wrk stops with requests still queued in the server,
    and counting them after it would add their queries without their requests."""
    previous: dict[str, float] = {}
    deadline = time.monotonic() + limit
    while True:
        current = scrape(load, server)
        # The scrape itself is one request in flight.
        in_flight = sum(v for k, v in current.items() if k.startswith("django_http_requests_in_"))
        done = {k: v for k, v in current.items() if "_count" in k and "core:metrics" not in k}
        if (in_flight <= 1 and done == previous) or time.monotonic() > deadline:
            return current
        previous = done
        time.sleep(0.5)


def metrics_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    def total(prefix: str, exclude: str = "") -> float:
        return sum(
            after[k] - before.get(k, 0.0)
            for k in after
            if k.startswith(prefix) and not (exclude and exclude in k)
        )

    requests = total("django_http_request_duration_seconds_count", exclude='view="core:metrics"')
    queries = total("django_db_queries_total")
    # The slowest query's bucket: the smallest upper bound that holds every query of the run.
    buckets = sorted(
        (float(re.search(r'le="([^"]+)"', k).group(1)), after[k] - before.get(k, 0.0))  # type: ignore[union-attr]
        for k in after
        if k.startswith("django_db_query_duration_seconds_bucket")
    )
    bound = None
    by_le: dict[float, float] = {}
    for le, count in buckets:
        by_le[le] = by_le.get(le, 0.0) + count
    for le in sorted(by_le):
        if queries and by_le[le] >= queries:
            bound = le
            break
    return {
        "requests": requests,
        "queries": queries,
        "queries_per_request": queries / requests if requests else None,
        "slowest_query_bucket_ms": None if bound is None else bound * 1000,
    }


def slow_queries(log_file: Path, offset: int) -> float | None:
    """The longest 'slow query' logged (JSON lines) after offset, in ms."""
    slowest = None
    with log_file.open("rb") as handle:
        handle.seek(offset)
        for raw in handle:
            if b"slow query" not in raw:
                continue
            with contextlib.suppress(ValueError):
                duration = float(json.loads(raw)["duration_ms"])
                slowest = duration if slowest is None else max(slowest, duration)
    return slowest


def wrk(url: str, args: argparse.Namespace, duration: float, headers: list[str]) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk_report.lua"),
    ]
    for header in headers:
        cmd += ["-H", header]
    result = run([*cmd, url], timeout=duration + 60)
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    seconds = data["duration_us"] / 1e6
    return {
        "rps": data["requests"] / seconds,
        "requests": data["requests"],
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": sum(data[k] for k in ("connect", "read", "write", "status", "timeout")),
        "error_kinds": {
            k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]
        },
    }


def measure(
    load: Load, endpoint: Endpoint, args: argparse.Namespace, duration: float
) -> dict[str, Any]:
    """Probe once (the answer must be a 200 without GraphQL errors), warm up, then measure."""
    port = load.ports[endpoint.server]
    url = f"http://{HOST}:{port}{endpoint.path}"
    headers = [f"Cookie: {load.cookie}"] if endpoint.authenticated else []
    status, body = http_get(url, dict(h.split(": ", 1) for h in headers))
    if status != 200 or (endpoint.name.startswith("GraphQL") and b'"errors"' in body):
        return {"skipped": f"probe answered {status}: {body[:200].decode(errors='replace')}"}
    wrk(url, args, args.warmup, headers)
    instrumented = endpoint.server != "reference"
    before = settled(load, endpoint.server) if instrumented else {}
    offset = load.log_files[endpoint.server].stat().st_size
    result = wrk(url, args, duration, headers)
    if instrumented:
        after = settled(load, endpoint.server)
        result.update(metrics_delta(before, after))
        result["slowest_query_logged_ms"] = slow_queries(load.log_files[endpoint.server], offset)
        # Under load a query's time includes waiting for a core and for the GIL; the same
        # requests one at a time show what the database itself takes. They also count queries
        # exactly: under ASGI a request cut off when wrk stops has run its queries but is never
        # counted as a request.
        offset = load.log_files[endpoint.server].stat().st_size
        for _ in range(args.sequential):
            http_get(url, dict(h.split(": ", 1) for h in headers))
        at_rest = metrics_delta(after, settled(load, endpoint.server))
        result["at_rest"] = {
            "requests": at_rest["requests"],
            "queries_per_request": at_rest["queries_per_request"],
            "slowest_query_bucket_ms": at_rest["slowest_query_bucket_ms"],
            "slowest_query_logged_ms": slow_queries(load.log_files[endpoint.server], offset),
        }
    if instrumented:
        result["queries_per_request_under_load"] = result["queries_per_request"]
        result["queries_per_request"] = queries_per_request(result)
    log(
        f"{endpoint.name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
        f"errors {result['errors']}, queries/request {result.get('queries_per_request')}"
    )
    return result


def queries_per_request(result: dict[str, Any]) -> float | None:
    """At rest when measured (exact), else under load."""
    at_rest = result["at_rest"]["queries_per_request"]
    return at_rest if at_rest is not None else result["queries_per_request"]


def safe_measure(
    load: Load, endpoint: Endpoint, args: argparse.Namespace, duration: float
) -> dict[str, Any]:
    """measure(), with a failure reported in its row instead of ending the whole run."""
    try:
        return measure(load, endpoint, args, duration)
    except (RuntimeError, OSError, subprocess.TimeoutExpired, StopIteration) as error:
        log(f"{endpoint.name}: failed: {error}")
        return {"skipped": f"failed: {str(error).splitlines()[0][:200]}"}


def endpoints(load: Load) -> list[Endpoint]:
    layers_py = (load.project / "config" / "layers.py").read_text()
    has = {layer: f'"{layer}"' in layers_py for layer in LAYERS}
    ids = load.ids
    graphql = "/graphql/?" + urllib.parse.urlencode({"query": GRAPHQL_QUERY})
    found = [
        Endpoint("list (DRF /api/v1/items/)", "/api/v1/items/")
        if has["drf"]
        else Endpoint("list (/items/, DRF layer absent)", "/items/"),
        Endpoint(
            "GraphQL nested list",
            graphql,
            skip="" if has["graphql"] else "the GraphQL layer is not in the template yet",
        ),
        Endpoint("/health/live/", "/health/live/", authenticated=False),
        Endpoint(
            "cached read (collection summary)",
            f"/items/collections/{ids['collection_id']}/summary/",
        ),
        Endpoint("async view (price, WSGI)", f"/items/{ids['item_id']}/price/?currency=USD"),
        Endpoint(
            "async view (price, ASGI)",
            f"/items/{ids['item_id']}/price/?currency=USD",
            server="asgi",
            skip="" if has["channels"] else "no ASGI server until the Channels layer lands",
        ),
    ]
    return found


def seed(load: Load, rows: int) -> dict[str, Any]:
    result = run(
        [str(load.project / ".venv/bin/python"), str(BENCH / "seed.py"), str(rows)],
        cwd=load.project,
        env=load.env,
        timeout=1800,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def reset_services(load: Load, drop_only: bool = False) -> None:
    """A fresh PostgreSQL database and an empty Redis database 11 (ours alone)."""
    code = (
        "import psycopg, redis, sys\n"
        "with psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True)"
        " as c:\n"
        f"    c.execute('DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)')\n"
        f"    if sys.argv[1] != 'drop': c.execute('CREATE DATABASE {DB_NAME}')\n"
        f"redis.Redis.from_url('{REDIS_URL}').flushdb()\n"
    )
    run(
        [str(load.project / ".venv/bin/python"), "-c", code, "drop" if drop_only else "create"],
        cwd=load.project,
        env=clean_env(),
    )


def bench_load(args: argparse.Namespace) -> dict[str, Any]:
    project = WORK / "load-project"
    # All layers on, of those the template has today: a layer question without files would
    # name a settings module that does not exist yet.
    layers = available_layers()
    log(f"generating the project with layers {layers or 'none'} and syncing its environment")
    copier_copy(project, layers)
    uv_sync(project)
    token = secrets.token_urlsafe(24)
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        REDIS_URL=REDIS_URL,
        METRICS_TOKEN=token,
        SLOW_QUERY_MS=str(args.slow_query_ms),
        WEB_CONCURRENCY=str(args.workers),
    )
    load = Load(project=project, env=env, token=token)
    reset_services(load)
    try:
        run(
            [str(project / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=project, env=env
        )
        run(
            [str(project / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=project,
            env=env,
        )
        with processes() as procs:
            config = {
                key: getattr(args, key)
                for key in ("duration", "warmup", "connections", "threads", "workers")
            }
            return {"layers": layers, "config": config, **drive(args, load, procs)}
    finally:
        reset_services(load, drop_only=True)


def start_servers(args: argparse.Namespace, load: Load, procs: Processes, asgi: bool) -> None:
    upstream = free_port()
    load.ports["upstream"] = upstream
    procs.start(
        [sys.executable, str(BENCH / "upstream.py"), str(upstream)],
        cwd=BENCH,
        env=clean_env(),
        log_file=WORK / "upstream.log",
        port=upstream,
    )
    load.env["EXCHANGE_RATES_URL"] = f"http://{HOST}:{upstream}/latest"
    # All the load is one user from one address: the API's throttle would rightly answer most of
    # it 429. This measures serving, so the throttle gets rates no run reaches.
    load.env["API_THROTTLE_USER"] = load.env["API_THROTTLE_ANON"] = "1000000/minute"
    for server in ("project", "asgi") if asgi else ("project",):
        port = free_port()
        load.ports[server] = port
        log_file = WORK / f"{server}.log"
        log_file.write_bytes(b"")
        load.log_files[server] = log_file
        # Only the servers count in shared files (config/gunicorn.py empties the directory).
        env = dict(
            load.env,
            GUNICORN_BIND=f"{HOST}:{port}",
            PROMETHEUS_MULTIPROC_DIR=str(WORK / f"prometheus-{server}"),
        )
        if server == "project":
            cmd = [
                str(load.project / ".venv/bin/gunicorn"),
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
            ]
        else:
            shutil.rmtree(env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
            os.makedirs(env["PROMETHEUS_MULTIPROC_DIR"])
            cmd = [
                str(load.project / ".venv/bin/uvicorn"),
                "config.asgi:application",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--no-access-log",
            ]
        load.servers[server] = procs.start(
            cmd, cwd=load.project, env=env, log_file=log_file, port=port
        )


def drive(args: argparse.Namespace, load: Load, procs: Processes) -> dict[str, Any]:
    asgi = '"channels"' in (load.project / "config" / "layers.py").read_text()
    out: dict[str, Any] = {"sizes": {}, "endpoints": {}}

    # Queries per request at a small size first, then at the full size.
    small = seed(load, args.small_rows)
    load.cookie = small["session_cookie"]
    load.ids = small
    start_servers(args, load, procs, asgi)
    for endpoint in endpoints(load):
        if endpoint.skip or endpoint.name.startswith(("/health", "async view (price, ASGI")):
            continue
        result = safe_measure(load, endpoint, args, args.size_duration)
        out["sizes"].setdefault(endpoint.name, {})[str(small["items"])] = result.get(
            "queries_per_request"
        )

    log(f"seeding up to {args.rows} items")
    full = seed(load, args.rows)
    out["rows"] = full["items"]
    for endpoint in endpoints(load):
        if endpoint.skip:
            out["endpoints"][endpoint.name] = {"skipped": endpoint.skip}
            log(f"{endpoint.name}: skipped, {endpoint.skip}")
            continue
        result = safe_measure(load, endpoint, args, args.duration)
        out["endpoints"][endpoint.name] = result
        if endpoint.server == "project" and "queries_per_request" in result:
            out["sizes"].setdefault(endpoint.name, {})[str(full["items"])] = result[
                "queries_per_request"
            ]

    # The reference gets the list endpoint's exact JSON, and the same gunicorn settings.
    list_endpoint = endpoints(load)[0]
    _, body = http_get(
        f"http://{HOST}:{load.ports['project']}{list_endpoint.path}", {"Cookie": load.cookie}
    )
    payload = WORK / "reference-payload.json"
    payload.write_bytes(body)
    out["list_response_bytes"] = len(body)
    for process in load.servers.values():
        procs.stop(process)  # the reference runs alone on the cores
    port = free_port()
    load.ports["reference"] = port
    load.log_files["reference"] = WORK / "reference.log"
    load.log_files["reference"].write_bytes(b"")
    env = clean_env(
        GUNICORN_BIND=f"{HOST}:{port}",
        REFERENCE_PAYLOAD=str(payload),
        WEB_CONCURRENCY=str(args.workers),
        DJANGO_SETTINGS_MODULE="refsite.settings",
        PROMETHEUS_MULTIPROC_DIR=str(WORK / "prometheus-reference"),
    )
    procs.start(
        [
            str(load.project / ".venv/bin/gunicorn"),
            "-c",
            str(load.project / "config/gunicorn.py"),
            "refsite.wsgi",
        ],
        cwd=BENCH / "reference",
        env=env,
        log_file=load.log_files["reference"],
        port=port,
    )
    out["reference"] = measure(
        load,
        Endpoint(
            "reference (minimal Django, same JSON)",
            "/items/",
            server="reference",
            authenticated=False,
        ),
        args,
        args.duration,
    )
    out["list_endpoint"] = list_endpoint.name
    return out


# --- report ---------------------------------------------------------------------------------


def fmt(value: Any, spec: str = ".1f", none: str = "n/a") -> str:
    return none if value is None else format(value, spec)


def slowest_query(row: dict[str, Any]) -> tuple[str, float | None]:
    """The slowest query as text, and in ms: logged exactly when over SLOW_QUERY_MS, otherwise
    bounded by the histogram bucket that holds it."""
    logged, bucket = row.get("slowest_query_logged_ms"), row.get("slowest_query_bucket_ms")
    if logged is not None:
        return f"{logged:.1f} ms", logged
    if bucket is not None:
        return f"≤ {bucket:g} ms", bucket
    return "no query", None


def write_report(results: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    meta = results["meta"]
    lines = [
        "# django-pro benchmark results",
        "",
        f"Measured {meta['measured_at']} on {meta['machine']} (commit {meta['commit']}), by "
        "`uv run python bench/run.py`; 1-minute load average "
        f"{meta['load_average_at_start']:.1f} at the start and {meta['load_average_at_end']:.1f} "
        "at the end (other work shared the cores: compare ratios, not absolute numbers). "
        "Read bench/README.md for what each number means.",
        "",
    ]
    template = results.get("template")
    if template:
        lines += ["## Template", "", "| measurement | median | runs |", "|---|---|---|"]
        for name, value in template.items():
            if name == "matrix":
                continue
            runs = ", ".join(f"{x:.1f}" for x in value["runs"])
            extra = ""
            if "pytest_median_s" in value:
                extra = (
                    f" (uv sync {value['uv_sync_median_s']:.1f} s + pytest "
                    f"{value['pytest_median_s']:.1f} s)"
                )
            lines.append(f"| {name} | {value['median_s']:.2f} s{extra} | {runs} |")
        matrix = template.get("matrix")
        if matrix:
            lines.append(
                f"| whole matrix (`uv run pytest`, last measured {matrix['measured_at']}, "
                f"commit {matrix['commit']}) | {matrix['seconds']:.0f} s, "
                f"{'green' if matrix['green'] else 'NOT green'} | 1: {matrix['summary']} |"
            )
        else:
            lines.append("| whole matrix | not measured yet: run with `--matrix` | |")
        lines.append("")
    load = results.get("load")
    if load:
        ref = load["reference"]
        cfg = load["config"]
        lines += [
            "## Generated project under load",
            "",
            "Project generated with every layer the template has "
            f"({', '.join(load['layers']) or 'none yet: the base project'}), production "
            "settings, gunicorn `-c config/gunicorn.py` with "
            f"WEB_CONCURRENCY={cfg['workers']} (gthread, 4 threads each), PostgreSQL and Redis on "
            f"loopback, {load['rows']:,} items. wrk: {cfg['connections']} connections, "
            f"{cfg['threads']} threads, {cfg['duration']} s per endpoint after a "
            f"{cfg['warmup']} s warm-up, on the same 2 cores as the server.",
            "",
            "| endpoint | req/s | vs reference | p50 ms | p95 ms | p99 ms | errors | "
            "queries/req | slowest query at rest / under load | targets |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, row in [
            *load["endpoints"].items(),
            ("reference (minimal Django, same JSON as the list)", ref),
        ]:
            if "skipped" in row:
                lines.append(f"| {name} | skipped: {row['skipped']} | | | | | | | | |")
                continue
            checks = []
            checks.append("p95 ok" if row["p95_ms"] < TARGET_P95_MS else "p95 OVER")
            checks.append("0 errors" if row["errors"] == 0 else "ERRORS")
            rest_text, rest_worst = slowest_query(row.get("at_rest", {}))
            load_text, _ = slowest_query(row)
            slow_text = f"{rest_text} / {load_text}" if "queries" in row else "n/a"
            if rest_worst is not None:
                checks.append("SQL ok" if rest_worst < TARGET_SLOW_QUERY_MS else "SQL OVER 50 ms")
            if name == load["list_endpoint"]:
                ratio = row["rps"] / ref["rps"]
                checks.append("≥ ½ ref" if ratio >= 0.5 else "< ½ ref")
            sizes = load["sizes"].get(name, {})
            if len(sizes) == 2:
                values = [v for v in sizes.values() if v is not None]
                if len(values) == 2:
                    checks.append(
                        "queries constant" if abs(values[0] - values[1]) < 0.05 else "queries GROW"
                    )
            errors = str(row["errors"])
            if row["error_kinds"]:
                errors += " (" + ", ".join(f"{k} {v}" for k, v in row["error_kinds"].items()) + ")"
            lines.append(
                f"| {name} | {row['rps']:,.0f} | {row['rps'] / ref['rps']:.2f}x | "
                f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {errors} | "
                f"{fmt(row.get('queries_per_request'), '.2f')} | {slow_text} | "
                f"{', '.join(checks)} |"
            )
        lines += [
            "",
            "### SQL queries per request as the data grows",
            "",
            "| endpoint | "
            + " | ".join(
                f"{n} items"
                for n in sorted({k for s in load["sizes"].values() for k in s}, key=int)
            )
            + " |",
        ]
        sizes_keys = sorted({k for s in load["sizes"].values() for k in s}, key=int)
        lines.append("|---|" + "---|" * len(sizes_keys))
        for name, sizes in load["sizes"].items():
            lines.append(
                f"| {name} | " + " | ".join(fmt(sizes.get(k), ".2f") for k in sizes_keys) + " |"
            )
        lines += [
            "",
            "Targets (reported, not asserted): p95 < 200 ms, zero errors, queries per "
            "request constant as data grows, list endpoint ≥ half the reference's "
            f"throughput, slowest SQL query < 50 ms. The list response is "
            f"{load['list_response_bytes']:,} bytes.",
            "",
        ]
    (RESULTS / "results.md").write_text("\n".join(lines))
    if load:
        plot(load)


def plot(load: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(n, r) for n, r in load["endpoints"].items() if "skipped" not in r]
    rows.append(("reference", load["reference"]))
    names = [n.replace(" (", "\n(") for n, _ in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 6))
    left.barh(names, [r["rps"] for _, r in rows], color="#3b7dd8")
    left.set_xlabel("requests per second (higher is better)")
    left.invert_yaxis()
    positions = range(len(rows))
    for offset, key, colour in (
        (-0.25, "p50_ms", "#7fb77e"),
        (0.0, "p95_ms", "#f2b441"),
        (0.25, "p99_ms", "#d9534f"),
    ):
        right.barh(
            [p + offset for p in positions],
            [r[key] for _, r in rows],
            height=0.25,
            color=colour,
            label=key.removesuffix("_ms"),
        )
    right.axvline(TARGET_P95_MS, color="black", linestyle="--", label="200 ms budget (p95)")
    right.set_yticks(list(positions), [""] * len(rows))
    right.invert_yaxis()
    right.set_xlabel("latency, ms (lower is better)")
    right.legend(loc="lower right")
    layers = ", ".join(load["layers"]) or "no layer yet"
    fig.suptitle(f"django-pro project ({layers}) under wrk, {load['rows']:,} items")
    fig.tight_layout()
    fig.savefig(RESULTS / "results.png", dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="copier copy runs per case")
    parser.add_argument("--test-runs", type=int, default=3, help="first-green-test-run runs")
    parser.add_argument("--matrix", action="store_true", help="also time the whole template suite")
    parser.add_argument("--skip-template", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per endpoint")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--size-duration", type=float, default=5, help="seconds per endpoint at the small data size"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (2 cores)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--small-rows", type=int, default=100)
    parser.add_argument(
        "--slow-query-ms",
        type=float,
        default=5.0,
        help="SLOW_QUERY_MS for the run: slower queries are logged and parsed",
    )
    parser.add_argument(
        "--sequential",
        type=int,
        default=20,
        help="requests one at a time after each load run, for the slowest query at rest",
    )
    parser.add_argument("--quick", action="store_true", help="short runs, to try it out")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.test_runs, args.duration, args.warmup, args.size_duration = 2, 1, 3, 1, 2
    if not shutil.which("wrk") and not args.skip_load:
        log("wrk is not installed: apt-get install -y wrk")
        return 2
    WORK.mkdir(exist_ok=True)
    previous = {}
    if (RESULTS / "results.json").exists():
        previous = json.loads((RESULTS / "results.json").read_text())
    results: dict[str, Any] = {
        "meta": {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
            "load_average_at_start": os.getloadavg()[0],
            "commit": git_commit(),
        },
        # A part that is skipped keeps its last measured numbers.
        "template": previous.get("template"),
        "load": previous.get("load"),
    }
    if not args.skip_template:
        results["template"] = bench_template(args)
    if not args.skip_load:
        results["load"] = bench_load(args)
    results["meta"]["load_average_at_end"] = os.getloadavg()[0]
    write_report(results)
    log(f"wrote {RESULTS / 'results.md'}")
    print((RESULTS / "results.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
