"""One endpoint under wrk: probe, warm up, load, then the same requests one at a time."""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
from typing import Any

from bench.common import BENCH, HOST, WORK, log, run
from bench.endpoints import Endpoint, Load
from bench.metrics import http_get, metrics_delta, settled, slow_queries, slowest_logged


class BenchFailure(RuntimeError):
    """An endpoint answered errors: the run stops instead of reporting their numbers."""


def wrk(
    url: str,
    args: argparse.Namespace,
    duration: float,
    cookies: list[str],
    connections: int | None = None,
    miss: str = "",
) -> dict[str, Any]:
    """wrk on url: the cookies taken in turn, one a request (wrk_request.lua), and with miss
    every request a cache miss; numbers from wrk_report.lua."""
    script = WORK / "wrk_request.lua"
    script.write_text(
        f"COOKIES = {{{', '.join(json.dumps(cookie) for cookie in cookies)}}}\n"
        f"MISS_TEMPLATE = {json.dumps(miss)}\nRUN = {json.dumps(secrets.token_hex(4))}\n"
        + (BENCH / "wrk_request.lua").read_text()
        + (BENCH / "wrk_report.lua").read_text()
    )
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{connections or args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
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
    """Probe once (the answer must be a 200 without GraphQL errors), warm up, then measure.

    Raises BenchFailure when the probe is not a 200 (a redirect included) or when more than
    --max-error-rate of the measured requests failed: numbers of errors are not a measurement.
    """
    port = load.ports[endpoint.server]
    url = f"http://{HOST}:{port}{endpoint.path}"
    cookies = load.cookies if endpoint.authenticated else []
    # Probes and the requests one at a time are the benchmark's user's (the first cookie).
    headers = [f"Cookie: {load.cookies[0]}"] if endpoint.authenticated else []
    check(endpoint, url + endpoint.miss.replace("{n}", "probe"), headers)
    # Each user's first request, one at a time: what is cached per user (session, user, GraphQL
    # answers) is then as warm as a steady stream of these users keeps it.
    for cookie in cookies[1:]:
        check(endpoint, url + endpoint.miss.replace("{n}", "probe"), [f"Cookie: {cookie}"])
    wrk(url, args, args.warmup, cookies, endpoint.connections, endpoint.miss)
    instrumented = endpoint.server not in ("reference", "reference-data")
    before = settled(load, endpoint.server) if instrumented else {}
    offset = load.log_files[endpoint.server].stat().st_size
    result = wrk(url, args, duration, cookies, endpoint.connections, endpoint.miss)
    result["connections"] = endpoint.connections or args.connections
    if result["errors"] > args.max_error_rate * max(result["requests"], 1):
        raise BenchFailure(
            f"{endpoint.name} ({url}): {result['errors']} of {result['requests']} requests "
            f"failed ({result['error_kinds']}), over --max-error-rate {args.max_error_rate}"
        )
    if instrumented:
        after = settled(load, endpoint.server)
        result.update(metrics_delta(before, after))
        result["slowest_query_logged_ms"] = slow_queries(load.log_files[endpoint.server], offset)
        # Under load a query's time includes waiting for a core and for the GIL; the same
        # requests one at a time show what the database itself takes. They also count queries
        # exactly: under ASGI a request cut off when wrk stops has run its queries but is never
        # counted as a request.
        offset = load.log_files[endpoint.server].stat().st_size
        paths = endpoint.rest_paths or [endpoint.path]
        for n in range(args.sequential):
            check(endpoint, f"http://{HOST}:{port}{paths[n % len(paths)]}", headers)
        rested = settled(load, endpoint.server)
        at_rest = metrics_delta(after, rested)
        for path in endpoint.explore_paths:
            check(endpoint, f"http://{HOST}:{port}{path}", headers)
        explored = metrics_delta(rested, settled(load, endpoint.server))
        buckets = [
            b
            for b in (at_rest["slowest_query_bucket_ms"], explored["slowest_query_bucket_ms"])
            if b is not None
        ]
        result["at_rest"] = {
            "requests": at_rest["requests"],
            "queries_per_request": at_rest["queries_per_request"],
            "explored_requests": explored["requests"],
            "slowest_query_bucket_ms": max(buckets) if buckets else None,
            "slowest_query_logged_ms": None,
        }
        if slowest := slowest_logged(load.log_files[endpoint.server], offset):
            result["at_rest"]["slowest_query_logged_ms"] = slowest["duration_ms"]
            result["at_rest"]["slowest_query"] = slowest
    if instrumented:
        result["queries_per_request_under_load"] = result["queries_per_request"]
        result["queries_per_request"] = queries_per_request(result)
    log(
        f"{endpoint.name}: {result['rps']:.0f} req/s, p95 {result['p95_ms']:.1f} ms, "
        f"errors {result['errors']}, queries/request {result.get('queries_per_request')}"
    )
    return result


def check(endpoint: Endpoint, url: str, headers: list[str]) -> None:
    """One request, which must answer 200 (GraphQL: without errors)."""
    status, body = http_get(url, dict(h.split(": ", 1) for h in headers))
    if status != 200 or (endpoint.name.startswith("GraphQL") and b'"errors"' in body):
        raise BenchFailure(
            f"{endpoint.name}: {url} answered {status}: {body[:300].decode(errors='replace')}"
        )


def queries_per_request(result: dict[str, Any]) -> float | None:
    """At rest when measured (exact), else under load."""
    at_rest = result["at_rest"]["queries_per_request"]
    return at_rest if at_rest is not None else result["queries_per_request"]


def safe_measure(
    load: Load, endpoint: Endpoint, args: argparse.Namespace, duration: float
) -> dict[str, Any]:
    """measure(), with a failure of the tools reported in its row instead of ending the whole
    run; an endpoint answering errors (BenchFailure) still ends it."""
    try:
        return measure(load, endpoint, args, duration)
    except BenchFailure:
        raise
    except (RuntimeError, OSError, subprocess.TimeoutExpired, StopIteration) as error:
        log(f"{endpoint.name}: failed: {error}")
        return {"skipped": f"failed: {str(error).splitlines()[0][:200]}"}
