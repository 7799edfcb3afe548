"""The generated project under load: generate it with every layer, seed it, serve it as in
production, measure each endpoint at two data sizes, then the minimal Django reference alone."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
from typing import Any

from bench.common import (
    BENCH,
    HOST,
    WORK,
    available_layers,
    clean_env,
    copier_copy,
    free_port,
    log,
    run,
    timed,
    uv_sync,
)
from bench.endpoints import Endpoint, Load, endpoints
from bench.measure import measure, safe_measure
from bench.metrics import http_get
from bench.processes import Processes, processes
from tests.harness import POSTGRES_PORT, redis_url, run_id


def seed(load: Load, rows: int) -> dict[str, Any]:
    result = run(
        [str(load.project / ".venv/bin/python"), str(BENCH / "seed.py"), str(rows)],
        cwd=load.project,
        env=load.env,
        timeout=1800,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def reset_services(load: Load, database: str, drop_only: bool = False) -> None:
    """A fresh PostgreSQL database and an empty Redis database, both this run's alone."""
    code = (
        "import psycopg, redis, sys\n"
        f"with psycopg.connect('postgresql://postgres@{HOST}:{POSTGRES_PORT}/postgres',"
        " autocommit=True) as c:\n"
        f"    c.execute('DROP DATABASE IF EXISTS {database} WITH (FORCE)')\n"
        f"    if sys.argv[1] != 'drop': c.execute('CREATE DATABASE {database}')\n"
        f"redis.Redis.from_url('{load.env['REDIS_URL']}').flushdb()\n"
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
    # Named by this run, and a Redis database claimed for it (tests/harness.py): two benchmarks,
    # or a benchmark and the template's suite, never share them.
    database = f"djpro_{run_id()}_bench"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@{HOST}:{POSTGRES_PORT}/{database}",
        REDIS_URL=redis_url(),
        METRICS_TOKEN=token,
        SLOW_QUERY_MS=str(args.slow_query_ms),
        WEB_CONCURRENCY=str(args.workers),
    )
    load = Load(project=project, env=env, token=token)
    reset_services(load, database)
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
                for key in (
                    "duration",
                    "warmup",
                    "connections",
                    "threads",
                    "workers",
                    "sequential",
                    "async_connections",
                    "upstream_delays",
                    "million_rows",
                    "profile",
                )
            }
            return {"layers": layers, "config": config, **drive(args, load, procs)}
    finally:
        reset_services(load, database, drop_only=True)


def start_servers(args: argparse.Namespace, load: Load, procs: Processes, asgi: bool) -> None:
    upstream = free_port()
    load.ports["upstream"] = upstream
    load.servers["upstream"] = procs.start(
        [sys.executable, str(BENCH / "upstream.py"), str(upstream)],
        cwd=BENCH,
        env=clean_env(),
        log_file=WORK / "upstream.log",
        port=upstream,
    )
    load.env["EXCHANGE_RATES_URL"] = f"http://{HOST}:{upstream}/latest"
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


def stop_servers(load: Load, procs: Processes) -> None:
    for process in load.servers.values():
        procs.stop(process)
    load.servers.clear()


def flush_redis(load: Load) -> None:
    """Empty the run's Redis database: seeding bypasses the signals that invalidate the cache."""
    code = f"import redis; redis.Redis.from_url({load.env['REDIS_URL']!r}).flushdb()"
    run([str(load.project / ".venv/bin/python"), "-c", code], cwd=load.project, env=clean_env())


def measure_endpoints(
    args: argparse.Namespace, load: Load, label: str, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every endpoint (or those whose name starts with one of keep) at the data size served now."""
    rows: dict[str, Any] = {}
    for endpoint in endpoints(load):
        if keep and not endpoint.name.startswith(keep):
            continue
        if endpoint.skip:
            rows[endpoint.name] = {"skipped": endpoint.skip}
            log(f"{endpoint.name}: skipped, {endpoint.skip}")
            continue
        rows[endpoint.name] = safe_measure(load, endpoint, args, args.duration)
        rows[endpoint.name]["size"] = label
    return rows


def measure_async(args: argparse.Namespace, load: Load, asgi: bool) -> dict[str, Any]:
    """The price view at each upstream delay, under uvicorn and under gunicorn's threads, with
    --async-connections: the async path waits without holding a thread, gunicorn's threads do."""
    price = next(e for e in endpoints(load) if e.name.startswith("async view (price, WSGI"))
    out: dict[str, Any] = {"connections": args.async_connections, "delays": {}}
    try:
        for delay in args.upstream_delays:
            http_get(f"http://{HOST}:{load.ports['upstream']}/_delay?ms={delay}")
            rows = out["delays"][f"{delay:g}"] = {}
            for server, label in (("asgi", "uvicorn"), ("project", "gunicorn")):
                if server == "asgi" and not asgi:
                    continue
                endpoint = Endpoint(
                    f"async view (price), {label}, upstream {delay:g} ms",
                    price.path,
                    server=server,
                    connections=args.async_connections,
                )
                rows[label] = safe_measure(load, endpoint, args, args.duration)
    finally:
        http_get(f"http://{HOST}:{load.ports['upstream']}/_delay?ms=0")
    return out


def profile(args: argparse.Namespace, load: Load, label: str) -> str | None:
    """--profile N: the lists profiled in one process (profile_lists.py), top frames as text."""
    if not args.profile:
        return None
    out = args.results / f"profile_{label}.txt"
    log(f"profiling {args.profile} requests of each list at {label} -> {out}")
    try:
        run(
            [
                str(load.project / ".venv/bin/python"),
                str(BENCH / "profile_lists.py"),
                str(out),
                label,
                str(args.profile),
            ],
            cwd=load.project,
            env=load.env,
            timeout=900,
        )
    except RuntimeError as error:
        log(f"profile at {label} failed: {str(error)[:500]}")
        return None
    return out.name


def serve_reference(
    args: argparse.Namespace,
    load: Load,
    procs: Processes,
    name: str,
    path: str,
    **extra_env: str,
) -> dict[str, Any]:
    """A reference of reference/refsite, alone on the cores, with the project's gunicorn
    settings and worker count; measured, then stopped."""
    server = "reference-data" if "DATABASE_URL" in extra_env else "reference"
    port = free_port()
    load.ports[server] = port
    load.log_files[server] = WORK / f"{server}.log"
    load.log_files[server].write_bytes(b"")
    env = clean_env(
        GUNICORN_BIND=f"{HOST}:{port}",
        WEB_CONCURRENCY=str(args.workers),
        DJANGO_SETTINGS_MODULE="refsite.settings",
        PROMETHEUS_MULTIPROC_DIR=str(WORK / f"prometheus-{server}"),
        **extra_env,
    )
    process = procs.start(
        [
            str(load.project / ".venv/bin/gunicorn"),
            "-c",
            str(load.project / "config/gunicorn.py"),
            "refsite.wsgi",
        ],
        cwd=BENCH / "reference",
        env=env,
        log_file=load.log_files[server],
        port=port,
    )
    try:
        return measure(
            load, Endpoint(name, path, server=server, authenticated=False), args, args.duration
        )
    finally:
        procs.stop(process)


REFERENCE = "reference (minimal Django, same JSON as the list)"
REFERENCE_DATA = "reference with data (plain Django view, the list's queries, values())"


def drive(args: argparse.Namespace, load: Load, procs: Processes) -> dict[str, Any]:
    asgi = '"channels"' in (load.project / "config" / "layers.py").read_text()
    out: dict[str, Any] = {"sizes": {}, "endpoints": {}}

    # Queries per request at a small size first, then at the full size.
    small = seed(load, args.small_rows)
    load.cookies = small["session_cookies"]
    load.ids = small
    start_servers(args, load, procs, asgi)
    for endpoint in endpoints(load):
        if endpoint.skip or endpoint.name.startswith(("/health", "async view (price, ASGI")):
            continue
        result = safe_measure(load, endpoint, args, args.size_duration)
        out["sizes"].setdefault(endpoint.name, {})[str(small["items"])] = result.get(
            "queries_per_request"
        )
    stop_servers(load, procs)

    log(f"seeding up to {args.rows} items")
    full = seed(load, args.rows)
    # Fresh servers and an empty cache: no page of the small size is served at the full one.
    flush_redis(load)
    start_servers(args, load, procs, asgi)
    out["rows"] = full["items"]
    label = size_label(full["items"])
    out["endpoints"] = measure_endpoints(args, load, label)
    record_sizes(out, full["items"])
    out["async"] = measure_async(args, load, asgi)

    # The minimal reference gets the list endpoint's exact JSON.
    list_endpoint = endpoints(load)[0]
    _, body = http_get(
        f"http://{HOST}:{load.ports['project']}{list_endpoint.path}", {"Cookie": load.cookies[0]}
    )
    payload = WORK / "reference-payload.json"
    payload.write_bytes(body)
    out["list_response_bytes"] = len(body)
    out["list_endpoint"] = list_endpoint.name
    stop_servers(load, procs)  # the references, and the profile, run alone on the cores
    out["profiles"] = {label: profile(args, load, label)}
    out["reference"] = serve_reference(
        args, load, procs, REFERENCE, "/items/", REFERENCE_PAYLOAD=str(payload)
    )
    out["reference_data"] = {
        label: serve_reference(
            args, load, procs, REFERENCE_DATA, "/items-data/", DATABASE_URL=load.env["DATABASE_URL"]
        )
    }
    if args.million_rows:
        million(args, load, procs, asgi, out)
    return out


def size_label(items: int) -> str:
    return f"{items // 1_000_000}M" if items % 1_000_000 == 0 else f"{items // 1000}k"


def record_sizes(out: dict[str, Any], items: int) -> None:
    for name, row in out["endpoints"].items():
        if row.get("size") == size_label(items) and "queries_per_request" in row:
            out["sizes"].setdefault(name, {})[str(items)] = row["queries_per_request"]


MILLION_ENDPOINTS = (
    "list",
    "GraphQL",
    "cached read",
    "async view (price, WSGI",  # one row by primary key: the same at any size, shown as a check
)


def million(
    args: argparse.Namespace, load: Load, procs: Processes, asgi: bool, out: dict[str, Any]
) -> None:
    """The large data set in a database of its own, seeded in SQL (seed_generate_series.sql):
    the lists, the cached read and the data reference again, with the project's servers fresh."""
    database = f"djpro_{run_id()}_bench_1m"
    env = dict(load.env, DATABASE_URL=f"postgres://postgres@{HOST}:{POSTGRES_PORT}/{database}")
    big = Load(project=load.project, env=env, token=load.token)
    python = str(load.project / ".venv/bin/python")
    reset_services(big, database)
    try:
        run([python, "manage.py", "migrate", "-v0"], cwd=load.project, env=env)
        log(f"seeding {args.million_rows:,} items with generate_series")
        seconds = timed(
            [
                "psql",
                "-q",
                "-X",
                "-v",
                "ON_ERROR_STOP=1",
                "-v",
                f"n={args.million_rows}",
                "-h",
                HOST,
                "-p",
                str(POSTGRES_PORT),
                "-U",
                "postgres",
                "-d",
                database,
                "-f",
                str(BENCH / "seed_generate_series.sql"),
            ],
            timeout=3600,
        )
        log(f"seeded in {seconds:.0f} s")
        ids = seed(big, args.million_rows)  # the benchmark's user, its session, the ids
        big.cookies, big.ids = ids["session_cookies"], ids
        label = size_label(ids["items"])
        out["million"] = {"rows": ids["items"], "label": label, "seed_seconds": seconds}
        start_servers(args, big, procs, asgi)
        rows = measure_endpoints(args, big, label, keep=MILLION_ENDPOINTS)
        out["endpoints"].update({f"{name} @ {label}": row for name, row in rows.items()})
        for name, row in rows.items():
            if "queries_per_request" in row:
                out["sizes"].setdefault(name, {})[str(ids["items"])] = row["queries_per_request"]
        stop_servers(big, procs)
        out["profiles"][label] = profile(args, big, label)
        out["reference_data"][label] = serve_reference(
            args, big, procs, REFERENCE_DATA, "/items-data/", DATABASE_URL=env["DATABASE_URL"]
        )
    finally:
        stop_servers(big, procs)
        reset_services(big, database, drop_only=True)
