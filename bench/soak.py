"""Soak: the all-layers project served as in production, under steady mixed load for minutes,
with hundreds of WebSockets held open through it. A benchmark, never a test: goals are reported.

    uv run python bench/soak.py                  # 10 minutes at 70 % of the measured throughput
    uv run python bench/soak.py --minutes 1      # a short validation run
    uv run python bench/soak.py --rate 50        # a fixed rate (requests per second) instead

The project, its data and its servers are the load benchmark's (bench/load.py): generated with
every layer, seeded, gunicorn with config/gunicorn.py and production settings on PostgreSQL and
Redis, uvicorn (2 workers) for the WebSockets. The load is open-loop: requests start at a steady
rate, round-robin over the load benchmark's endpoints (bench/endpoints.py, the ASGI one aside),
whatever the answers take; at most --in-flight wait at once, and a request that would exceed it
is counted as late rather than sent. The rate is --fraction (70 %) of what the mix sustains by
bench/results/results.json: 1 / sum(share / requests per second of each endpoint).

Reported (bench/results/soak.json and soak.png), with the issue's goals: errors (0); p95 per
minute (the last at most 1.2 times the first); resident memory of each server worker process at
the start and the end (growth under 10 %); WebSockets still open at the end and receiving one
broadcast (all).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import websockets

from bench.common import (
    HOST,
    RESULTS,
    WORK,
    available_layers,
    clean_env,
    copier_copy,
    git_commit,
    log,
    run,
    uv_sync,
)
from bench.endpoints import Endpoint, Load, endpoints
from bench.load import reset_services, seed, start_servers
from bench.processes import processes
from tests.harness import POSTGRES_PORT, redis_url, run_id

# A collection of the benchmark's user and one item in it: the broadcast every socket must hear.
BROADCAST = """
import json
from decimal import Decimal
from django.contrib.auth import get_user_model
from {slug}.items import services
from {slug}.items.models import Collection

user = get_user_model().objects.get(username="bench")
collection = Collection.objects.filter(owner=user).first() or services.collection_create(
    owner=user, name="Soak"
)
item = services.item_create(
    collection=collection, created_by=user, name="{name}", price=Decimal("1.00")
)
print(json.dumps({{"item": item.pk}}))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument(
        "--warmup", type=float, default=60, help="seconds of the same load before the measured run"
    )
    parser.add_argument("--fraction", type=float, default=0.7, help="of the measured throughput")
    parser.add_argument("--rate", type=float, default=0, help="requests per second (overrides)")
    parser.add_argument(
        "--window", type=float, default=60, help="seconds per row of the p95 series (a minute)"
    )
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (2 cores)")
    parser.add_argument("--slow-query-ms", type=float, default=1000)
    parser.add_argument(
        "--note", default="", help="recorded with the result (say what kind of run it was)"
    )
    parser.add_argument(
        "--database",
        default="",
        help="the PostgreSQL database to create and drop (default djpro_<run id>_soak)",
    )
    return parser.parse_args()


def mix_capacity(mix: list[Endpoint]) -> tuple[float, dict[str, float]]:
    """Requests per second the mix sustains, by the load benchmark's last measurements."""
    measured = json.loads((RESULTS / "results.json").read_text())["load"]["endpoints"]
    rps = {e.name: float(measured[e.name]["rps"]) for e in mix if e.name in measured}
    missing = [e.name for e in mix if e.name not in rps]
    if missing:
        raise SystemExit(f"no measured throughput for {missing}: run bench/run.py first")
    share = 1 / len(mix)
    return 1 / sum(share / rate for rate in rps.values()), rps


def worker_rss(master: int) -> dict[int, int]:
    """Resident memory (KiB) of each child of a server's master process."""
    found: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                found[int(stat.parent.name)] = int(line.split()[1])
    return found


class Sockets:
    """WebSockets of the benchmark's user, held open; each counts the events it hears."""

    def __init__(self, url: str, cookie: str, origin: str) -> None:
        self.url, self.cookie, self.origin = url, cookie, origin
        self.heard: dict[int, list[dict[str, Any]]] = {}
        self.open: set[int] = set()
        self.closed: dict[int, Any] = {}
        self.tasks: list[asyncio.Task[None]] = []

    async def hold(self, number: int, ready: asyncio.Event) -> None:
        headers = {"Cookie": self.cookie, "Origin": self.origin}
        try:
            async with websockets.connect(
                self.url, additional_headers=headers, ping_interval=20, open_timeout=30
            ) as socket:
                self.open.add(number)
                self.heard[number] = []
                ready.set()
                async for frame in socket:
                    self.heard[number].append(json.loads(frame))
                self.closed[number] = socket.close_code
        except Exception as error:
            self.closed[number] = f"{type(error).__name__}: {error}"
            ready.set()
        finally:
            self.open.discard(number)

    async def start(self, count: int) -> None:
        for number in range(count):
            ready = asyncio.Event()
            self.tasks.append(asyncio.create_task(self.hold(number, ready)))
            await asyncio.wait_for(ready.wait(), 60)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def steady_load(
    base: str,
    mix: list[Endpoint],
    cookie: str,
    rate: float,
    seconds: float,
    in_flight: int,
    kinds: dict[str, int],
) -> list[tuple[float, float, int]]:
    """(start offset s, latency ms, status; 0 for a transport error, -1 late) per request; the
    errors by kind (status and path, or the client's exception) are added to `kinds`."""
    samples: list[tuple[float, float, int]] = []
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    waiting = 0
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one(endpoint: Endpoint, offset: float) -> None:
            nonlocal waiting
            headers = {"Cookie": cookie} if endpoint.authenticated else {}
            started = time.perf_counter()
            try:
                status = (await client.get(endpoint.path, headers=headers)).status_code
            except httpx.HTTPError as error:
                status = 0
                kind = type(error).__name__
                kinds[kind] = kinds.get(kind, 0) + 1
            if status >= 400:
                kind = f"{status} {endpoint.name}"
                kinds[kind] = kinds.get(kind, 0) + 1
            samples.append((offset, (time.perf_counter() - started) * 1000, status))
            waiting -= 1

        began = time.perf_counter()
        pending: set[asyncio.Task[None]] = set()
        sent = 0
        while (offset := time.perf_counter() - began) < seconds:
            due = int(offset * rate) + 1
            while sent < due:
                endpoint = mix[sent % len(mix)]
                sent += 1
                if waiting >= in_flight:
                    samples.append((offset, 0.0, -1))
                    continue
                waiting += 1
                task = asyncio.create_task(one(endpoint, offset))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.sleep(max(0.0, (sent / rate) - (time.perf_counter() - began)))
        await asyncio.gather(*pending)
    return samples


def per_minute(samples: list[tuple[float, float, int]], window: float) -> list[dict[str, Any]]:
    """One row per window (a minute unless --window says otherwise) of the run."""
    minutes: dict[int, list[tuple[float, float, int]]] = {}
    for sample in samples:
        minutes.setdefault(int(sample[0] // window), []).append(sample)
    rows = []
    for minute in sorted(minutes):
        answered = [s for s in minutes[minute] if s[2] > 0]
        latencies = sorted(s[1] for s in answered)
        p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
        rows.append(
            {
                "minute": round((minute + 1) * window / 60, 2),
                "requests": len(answered),
                "rps": len(answered) / window,
                "errors": sum(1 for s in minutes[minute] if s[2] == 0 or s[2] >= 400),
                "late": sum(1 for s in minutes[minute] if s[2] == -1),
                "p50_ms": statistics.median(latencies) if latencies else None,
                "p95_ms": p95,
            }
        )
    return rows


def growth(start: dict[int, int], end: dict[int, int]) -> dict[str, Any]:
    same = [pid for pid in start if pid in end]
    return {
        "start_kib": start,
        "end_kib": end,
        "growth_pct": {pid: round(100 * (end[pid] - start[pid]) / start[pid], 1) for pid in same},
        "replaced": sorted(set(start) ^ set(end)),
    }


async def soak(
    args: argparse.Namespace, load: Load, servers: dict[str, Any], slug: str
) -> dict[str, Any]:
    # The endpoints as served: the load part's rows of forced cache misses are a diagnosis.
    mix = [e for e in endpoints(load) if not e.skip and e.server == "project" and not e.miss]
    capacity, measured = mix_capacity(mix)
    rate = args.rate or args.fraction * capacity
    seconds = args.minutes * 60
    base = f"http://{HOST}:{load.ports['project']}"
    asgi = f"ws://{HOST}:{load.ports['asgi']}/ws/notifications/"
    origin = f"http://{HOST}:{load.ports['asgi']}"
    log(
        f"mix of {len(mix)} endpoints, capacity {capacity:.0f}/s measured: {rate:.0f}/s for "
        f"{args.minutes:g} min, {args.sockets} WebSockets"
    )
    sockets = Sockets(asgi, load.cookies[0], origin)
    await sockets.start(args.sockets)
    opened = len(sockets.open)
    log(f"{opened} WebSockets open")
    if args.warmup > 0:
        log(f"warming up for {args.warmup:g} s (not measured)")
        await steady_load(base, mix, load.cookies[0], rate, args.warmup, args.in_flight, {})
    rss_start = {name: worker_rss(proc.pid) for name, proc in servers.items()}
    kinds: dict[str, int] = {}
    samples = await steady_load(base, mix, load.cookies[0], rate, seconds, args.in_flight, kinds)
    rss_end = {name: worker_rss(proc.pid) for name, proc in servers.items()}
    still_open = set(sockets.open)
    name = f"soak-{secrets.token_hex(4)}"
    run(
        [
            str(load.project / ".venv/bin/python"),
            "manage.py",
            "shell",
            "-c",
            BROADCAST.format(slug=slug, name=name),
        ],
        cwd=load.project,
        env=load.env,
    )
    deadline = time.monotonic() + 30

    def heard(number: int) -> bool:
        return any(
            event.get("type") == "item.created" and event.get("item", {}).get("name") == name
            for event in sockets.heard.get(number, [])
        )

    while time.monotonic() < deadline and not all(heard(n) for n in still_open):
        await asyncio.sleep(0.5)
    received = sum(1 for n in still_open if heard(n))
    await sockets.stop()
    minutes = per_minute(samples, args.window)
    answered = [s for s in samples if s[2] > 0]
    first, last = minutes[0]["p95_ms"], minutes[-1]["p95_ms"]
    rss = {server: growth(rss_start[server], rss_end[server]) for server in servers}
    worst = max((g for r in rss.values() for g in r["growth_pct"].values()), default=None)
    return {
        "note": args.note,
        "minutes": args.minutes,
        "warmup_s": args.warmup,
        "window_s": args.window,
        "rate_target_rps": rate,
        "capacity_rps": capacity,
        "fraction": None if args.rate else args.fraction,
        "measured_rps": measured,
        "mix": [e.name for e in mix],
        "requests": len(answered),
        "errors": sum(1 for s in samples if s[2] == 0 or s[2] >= 400),
        "error_kinds": kinds,
        "late": sum(1 for s in samples if s[2] == -1),
        "per_minute": minutes,
        "p95_last_over_first": (last / first) if first and last else None,
        "rss": rss,
        "rss_worst_growth_pct": worst,
        "sockets": {
            "opened": opened,
            "open_at_end": len(still_open),
            "received_broadcast": received,
            "closed_early": {str(k): str(v) for k, v in sockets.closed.items()},
        },
        "goals": {
            "errors == 0": sum(1 for s in samples if s[2] == 0 or s[2] >= 400) == 0,
            "p95 last <= 1.2 x first": bool(first and last and last <= 1.2 * first),
            "rss growth < 10 %": worst is not None and worst < 10,
            "all sockets open and hear the broadcast": received == opened == args.sockets,
        },
    }


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["per_minute"]
    minutes = [r["minute"] for r in rows]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(12, 4.5))
    latency.plot(minutes, [r["p95_ms"] for r in rows], marker="o", label="p95")
    latency.plot(minutes, [r["p50_ms"] for r in rows], marker=".", label="p50")
    latency.set_xlabel("minute")
    latency.set_ylabel("ms")
    served = result["requests"] / (result["minutes"] * 60)
    latency.set_title(
        f"target {result['rate_target_rps']:.0f} req/s, served {served:.0f}; "
        f"{result['errors']} errors, {result['late']} late"
    )
    latency.legend()
    labels, starts, ends = [], [], []
    for server, rss in result["rss"].items():
        for pid, start in rss["start_kib"].items():
            labels.append(f"{server} {pid}")
            starts.append(start / 1024)
            ends.append(rss["end_kib"].get(pid, 0) / 1024)
    positions = range(len(labels))
    memory.bar([p - 0.2 for p in positions], starts, width=0.4, label="start")
    memory.bar([p + 0.2 for p in positions], ends, width=0.4, label="end")
    memory.set_xticks(list(positions), labels, rotation=20, fontsize=8)
    memory.set_ylabel("resident MiB")
    sockets = result["sockets"]
    memory.set_title(
        f"workers' memory; sockets {sockets['received_broadcast']}/{sockets['opened']} heard"
    )
    memory.legend()
    title = f"soak, {result['minutes']:g} min" + (f" ({result['note']})" if result["note"] else "")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def main() -> int:
    args = parse_args()
    project = WORK / "soak-project"
    layers = available_layers()
    log(f"generating the project with layers {layers} and syncing its environment")
    copier_copy(project, layers)
    uv_sync(project)
    database = args.database or f"djpro_{run_id()}_soak"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@{HOST}:{POSTGRES_PORT}/{database}",
        REDIS_URL=redis_url(),
        METRICS_TOKEN=secrets.token_urlsafe(24),
        SLOW_QUERY_MS=str(args.slow_query_ms),
        WEB_CONCURRENCY=str(args.workers),
    )
    load = Load(project=project, env=env, token=env["METRICS_TOKEN"])
    answers = (project / ".copier-answers.yml").read_text()
    slug = next(
        line.split(":", 1)[1].strip()
        for line in answers.splitlines()
        if line.startswith("project_slug:")
    )
    reset_services(load, database)
    try:
        python = str(project / ".venv/bin/python")
        run([python, "manage.py", "migrate", "-v0"], cwd=project, env=env)
        run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=project, env=env)
        seeded = seed(load, args.rows)
        load.cookies, load.ids = seeded["session_cookies"], seeded
        # One user sends the whole mix (the load benchmark spreads it over many): the API's
        # throttle would rightly answer most of it 429, so it gets rates no run reaches.
        load.env["API_THROTTLE_USER"] = load.env["API_THROTTLE_ANON"] = "1000000/minute"
        with processes() as procs:
            start_servers(args, load, procs, asgi=True)
            servers = {name: load.servers[name] for name in ("project", "asgi")}
            result = asyncio.run(soak(args, load, servers, slug))
    finally:
        reset_services(load, database, drop_only=True)
    result["commit"] = git_commit()
    result["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(result, RESULTS / "soak.png")
    log(
        f"errors {result['errors']} of {result['requests']}, p95 last/first "
        f"{result['p95_last_over_first']}, worst RSS growth {result['rss_worst_growth_pct']} %, "
        f"sockets {result['sockets']}"
    )
    log(f"goals: {result['goals']}")
    log(f"wrote {RESULTS / 'soak.json'} and {RESULTS / 'soak.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
