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
                for key in ("duration", "warmup", "connections", "threads", "workers")
            }
            return {"layers": layers, "config": config, **drive(args, load, procs)}
    finally:
        reset_services(load, database, drop_only=True)


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
