"""What the project says about itself under load: its /metrics (requests, SQL queries and their
durations) and its slow-query log."""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import HOST
from bench.endpoints import Load


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is the answer: wrk would measure it, not the page behind it


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
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
    slowest = slowest_logged(log_file, offset)
    return None if slowest is None else slowest["duration_ms"]


def slowest_logged(log_file: Path, offset: int) -> dict[str, Any] | None:
    """The longest 'slow query' logged after offset: its duration_ms, view and SQL."""
    slowest: dict[str, Any] | None = None
    with log_file.open("rb") as handle:
        handle.seek(offset)
        for raw in handle:
            if b"slow query" not in raw:
                continue
            with contextlib.suppress(ValueError, KeyError):
                record = json.loads(raw)
                duration = float(record["duration_ms"])
                if slowest is None or duration > slowest["duration_ms"]:
                    slowest = {
                        "duration_ms": duration,
                        "view": record.get("view"),
                        "sql": str(record.get("sql", ""))[:400],
                    }
    return slowest
