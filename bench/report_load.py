"""The load part's report: the goals of issue 21, the endpoints at both data sizes, the async
view at each upstream delay, both references, and the plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TARGET_P95_MS = 200.0
TARGET_SLOW_QUERY_MS = 50.0
# The rows of the lists with every request a cache miss (endpoints.py).
MISSES = {
    "list": "list, every request a cache miss",
    "GraphQL": "GraphQL nested list, every request a cache miss",
}


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


def times(value: float | None, spec: str = ".2f") -> str:
    return "n/a" if value is None else f"{value:{spec}}x"


def measured(row: dict[str, Any] | None) -> bool:
    return bool(row) and "skipped" not in row  # type: ignore[operator]


def base_name(name: str) -> str:
    return name.split(" @ ")[0]


def large(load: dict[str, Any]) -> str | None:
    """The label of the large data set, when it was measured."""
    million = load.get("million")
    return million["label"] if million else None


def row_at(load: dict[str, Any], prefix: str, label: str | None = None) -> dict[str, Any] | None:
    """The row of the endpoint whose name starts with prefix, at the large size when label."""
    for name, row in load["endpoints"].items():
        at_large = " @ " in name
        if name.startswith(prefix) and "cache miss" not in name and at_large == bool(label):
            return row if measured(row) else None
    return None


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "rps") -> float | None:
    if not (measured(a) and measured(b)) or not b[key]:  # type: ignore[index]
        return None
    return a[key] / b[key]  # type: ignore[index]


def goals(load: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(goal, measured, how, met) for each goal of issue 21; met None when not measured."""
    ref = load["reference"]
    big = large(load)
    out: list[tuple[str, str, str, bool | None]] = []

    def against_ref(goal: str, prefix: str, floor: float) -> None:
        value = ratio(row_at(load, prefix), ref)
        misses = next((v for k, v in MISSES.items() if prefix.startswith(k)), None)
        miss_value = ratio(load["endpoints"].get(misses or ""), ref)
        how = "req/s over the minimal view's, 32 connections, 10k items"
        if miss_value is not None:
            how += f" (every request a cache miss: {miss_value:.3f}x)"
        out.append((goal, times(value, ".3f"), how, None if value is None else value >= floor))

    against_ref("list ≥ 0.15x the minimal view", load.get("list_endpoint", "list"), 0.15)
    against_ref("GraphQL list ≥ 0.08x", "GraphQL nested list", 0.08)
    against_ref("cached summary ≥ 0.3x", "cached read", 0.3)
    delays = load.get("async", {}).get("delays", {})
    zero, slow = delays.get("0", {}), delays.get("100", {})
    value = ratio(zero.get("uvicorn"), ref)
    out.append(
        (
            "async view at 0 ms upstream ≥ 0.1x, uvicorn",
            times(value, ".3f"),
            f"{load.get('async', {}).get('connections', '?')} connections",
            None if value is None else value >= 0.1,
        )
    )
    value = ratio(slow.get("uvicorn"), slow.get("gunicorn"))
    out.append(
        (
            "async view at 100 ms upstream: uvicorn ≥ 5x gunicorn",
            times(value),
            f"{fmt(slow.get('uvicorn', {}).get('rps'), ',.0f')} / "
            f"{fmt(slow.get('gunicorn', {}).get('rps'), ',.0f')} req/s",
            None if value is None else value >= 5,
        )
    )
    at_32 = [
        (name, row)
        for name, row in load["endpoints"].items()
        if measured(row) and row.get("connections", 32) == load["config"]["connections"]
    ]
    # The rows where every request is a miss are a diagnosis, not an endpoint as it is served.
    for goal, rows in (
        ("p95 < 200 ms on every endpoint", [r for r in at_32 if "cache miss" not in r[0]]),
        (
            "(the lists, every request a cache miss: p95)",
            [r for r in at_32 if "cache miss" in r[0]],
        ),
    ):
        if rows:
            name, worst = max(rows, key=lambda item: item[1]["p95_ms"])
            out.append(
                (
                    goal,
                    f"{worst['p95_ms']:.0f} ms",
                    f"the worst: {name}, {load['config']['connections']} connections",
                    worst["p95_ms"] < TARGET_P95_MS,
                )
            )
    lists = [
        (name, row["queries_per_request"])
        for name, row in load["endpoints"].items()
        if base_name(name).startswith(("list", "GraphQL"))
        and measured(row)
        and row.get("queries_per_request") is not None
    ]
    if lists:
        name, most = max(lists, key=lambda item: item[1])
        out.append(
            (
                "≤ 3 queries per list request",
                f"{most:.2f}",
                f"the most: {name}, on a cache miss (at rest, /metrics)",
                most <= 3,
            )
        )
    rows = load["endpoints"]
    for name, goal in (
        (load.get("list_endpoint", ""), "list"),
        (MISSES["list"], "list, every request a miss,"),
        ("GraphQL nested list", "GraphQL list"),
        (MISSES["GraphQL"], "GraphQL list, every request a miss,"),
    ):
        if name not in rows:
            continue
        value = ratio(rows.get(f"{name} @ {big}"), rows[name], "p95_ms") if big else None
        out.append(
            (
                f"{goal} p95 at {big or '1M'} within 1.2x of 10k",
                times(value),
                "p95 over p95",
                None if value is None else value <= 1.2,
            )
        )
    slowest = [
        (name, slowest_query(row.get("at_rest", {}))[1])
        for name, row in load["endpoints"].items()
        if " @ " in name and measured(row)
    ]
    slowest = [(n, v) for n, v in slowest if v is not None]
    if slowest:
        name, worst_ms = max(slowest, key=lambda item: item[1])
        text, _ = slowest_query(load["endpoints"][name]["at_rest"])
        query = load["endpoints"][name]["at_rest"].get("slowest_query") or {}
        sql = " ".join(query.get("sql", "").split())
        out.append(
            (
                f"slowest query at rest < 50 ms at {big}",
                text,
                f"in {name}" + (f": `{sql[:160]}…`" if sql else ""),
                worst_ms < TARGET_SLOW_QUERY_MS,
            )
        )
    else:
        out.append((f"slowest query at rest < 50 ms at {big or '1M'}", "n/a", "", None))
    return out


def endpoint_line(name: str, row: dict[str, Any], ref: dict[str, Any]) -> str:
    if not measured(row):
        return f"| {name} | | skipped: {row.get('skipped')} | | | | | | | |"
    errors = str(row["errors"])
    if row.get("error_kinds"):
        errors += " (" + ", ".join(f"{k} {v}" for k, v in row["error_kinds"].items()) + ")"
    rest_text, _ = slowest_query(row.get("at_rest", {}))
    load_text, _ = slowest_query(row)
    slow_text = f"{rest_text} / {load_text}" if "queries" in row else "n/a"
    under_load = row.get("queries_per_request_under_load")
    queries = fmt(row.get("queries_per_request"), ".2f")
    if under_load is not None:
        queries += f" / {under_load:.2f}"
    return (
        f"| {name} | {row.get('connections', '')} | {row['rps']:,.0f} | "
        f"{row['rps'] / ref['rps']:.3f}x | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
        f"{row['p99_ms']:.1f} | {errors} | {queries} | {slow_text} |"
    )


def load_section(load: dict[str, Any]) -> list[str]:
    ref = load["reference"]
    cfg = load["config"]
    big = large(load)
    sizes = f"{load['rows']:,} items" + (
        f" and {load['million']['rows']:,} (`@ {big}`, seeded in SQL in "
        f"{load['million']['seed_seconds']:.0f} s)"
        if big
        else ""
    )
    lines = [
        "## Generated project under load",
        "",
        "Project generated with every layer the template has "
        f"({', '.join(load['layers']) or 'none yet: the base project'}), production "
        "settings, gunicorn `-c config/gunicorn.py` with "
        f"WEB_CONCURRENCY={cfg['workers']} (gthread, 4 threads each), uvicorn with as many "
        f"workers for the async view, PostgreSQL and Redis on loopback, {sizes}. wrk: "
        f"{cfg['threads']} threads, {cfg['duration']} s per endpoint after a "
        f"{cfg['warmup']} s warm-up, on the same 2 cores as the servers.",
        "",
    ]
    table = goals(load)
    if table:
        lines += [
            "### Goals (issue 21)",
            "",
            "| goal | measured | how | |",
            "|---|---|---|---|",
            *(
                f"| {goal} | {value} | {how} | "
                f"{'met' if met else 'n/a' if met is None else '**not met**'} |"
                for goal, value, how, met in table
            ),
            "",
        ]
    lines += [
        "### Endpoints",
        "",
        "Queries per request, from the project's `/metrics`: at rest (the --sequential "
        "requests sent one at a time after the load run; for the lists, page sizes the load run "
        "did not ask for, so each is a cache miss) / under load (the cached lists: hits). The "
        "slowest query at rest also covers every ordering and filter of the list and its "
        "deepest page, each requested once.",
        "",
        "| endpoint | connections | req/s | vs minimal view | p50 ms | p95 ms | p99 ms | errors "
        "| queries/req at rest / under load | slowest query at rest / under load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in load["endpoints"].items():
        lines.append(endpoint_line(name, row, ref))
    for label, row in (load.get("reference_data") or {}).items():
        lines.append(endpoint_line(f"reference with data @ {label}", row, ref))
    lines.append(endpoint_line("reference (minimal Django, same JSON as the list)", ref, ref))
    lines.append("")
    if big:
        lines += [
            f"### {load['rows']:,} against {load['million']['rows']:,} items",
            "",
            f"| endpoint | req/s {size(load)} | req/s {big} | p95 ms {size(load)} | "
            f"p95 ms {big} | p95 {big} / {size(load)} | slowest query at rest {size(load)} | "
            f"at {big} |",
            "|---|---|---|---|---|---|---|---|",
        ]
        pairs = [
            (name, row, load["endpoints"].get(f"{name} @ {big}"))
            for name, row in load["endpoints"].items()
            if " @ " not in name
        ]
        data = load.get("reference_data") or {}
        pairs.append(("reference with data", data.get(size(load)), data.get(big)))
        for name, small, large_row in pairs:
            if not (measured(small) and measured(large_row)):
                continue
            lines.append(
                f"| {name} | {small['rps']:,.0f} | {large_row['rps']:,.0f} | "
                f"{small['p95_ms']:.1f} | {large_row['p95_ms']:.1f} | "
                f"{large_row['p95_ms'] / small['p95_ms']:.2f}x | "
                f"{slowest_query(small.get('at_rest', {}))[0]} | "
                f"{slowest_query(large_row.get('at_rest', {}))[0]} |"
            )
        lines.append("")
    delays = load.get("async", {}).get("delays", {})
    if delays:
        lines += [
            "### The async view against a slow upstream",
            "",
            f"The price view (one item read, one upstream call) at "
            f"{load['async']['connections']} connections, the upstream (bench/upstream.py) "
            "answering after each delay.",
            "",
            "| upstream delay | server | req/s | vs minimal view | p50 ms | p95 ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        for delay, servers in delays.items():
            for server, row in servers.items():
                if not measured(row):
                    lines.append(f"| {delay} ms | {server} | skipped: {row.get('skipped')} |||||")
                    continue
                lines.append(
                    f"| {delay} ms | {server} | {row['rps']:,.0f} | "
                    f"{row['rps'] / ref['rps']:.3f}x | {row['p50_ms']:.1f} | "
                    f"{row['p95_ms']:.1f} | {row['errors']} |"
                )
            value = ratio(servers.get("uvicorn"), servers.get("gunicorn"))
            if value is not None:
                lines.append(f"| {delay} ms | uvicorn / gunicorn | {value:.2f}x | | | | |")
        lines.append("")
    data = load.get("reference_data") or {}
    if data:
        lines += [
            "### The cost of the data and the cost of the stack",
            "",
            "The data reference is a plain Django view (bench/reference/refsite) running the "
            "list's queries on a miss (the count bounded at 10,001 rows, a page of 20 with "
            "collection, owner and creator joined, their tags) with `values()` and "
            "`JsonResponse`, on the same database, served the same way; no session, no "
            "middleware, no cache. The minimal view answers the list's JSON without a database.",
            "",
            "| size | minimal view req/s | data reference req/s | list req/s (cached) | "
            "list req/s (every request a miss) | list misses / data reference | "
            "data reference / minimal view |",
            "|---|---|---|---|---|---|---|",
        ]
        for label, row in data.items():
            suffix = "" if label == size(load) else f" @ {label}"
            listing = load["endpoints"].get(f"{load.get('list_endpoint')}{suffix}")
            misses = load["endpoints"].get(f"{MISSES['list']}{suffix}")
            lines.append(
                f"| {label} | {ref['rps']:,.0f} | {fmt(row.get('rps'), ',.0f')} | "
                f"{fmt((listing or {}).get('rps'), ',.0f')} | "
                f"{fmt((misses or {}).get('rps'), ',.0f')} | "
                f"{times(ratio(misses, row))} | {times(ratio(row, ref))} |"
            )
        lines.append("")
    keys = sorted({k for s in load["sizes"].values() for k in s}, key=int)
    lines += [
        "### SQL queries per request as the data grows (at rest)",
        "",
        "| endpoint | " + " | ".join(f"{int(k):,} items" for k in keys) + " |",
        "|---|" + "---|" * len(keys),
    ]
    for name, counts in load["sizes"].items():
        lines.append(f"| {name} | " + " | ".join(fmt(counts.get(k), ".2f") for k in keys) + " |")
    profiles = {k: v for k, v in (load.get("profiles") or {}).items() if v}
    lines += [
        "",
        f"The list response is {load['list_response_bytes']:,} bytes."
        + (
            " Where a list request's time goes (cProfile, cache emptied before each request): "
            + ", ".join(f"[{label}]({name})" for label, name in profiles.items())
            + "."
            if profiles
            else ""
        ),
        "",
    ]
    return lines


def size(load: dict[str, Any]) -> str:
    from bench.load import size_label

    return size_label(load["rows"])


def plot(load: dict[str, Any], path: Path) -> None:
    """Req/s (left) and p95 against the budget (right) per endpoint, at each data size, with
    both references."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    big = large(load)
    small = size(load)
    names = [n for n, r in load["endpoints"].items() if " @ " not in n and measured(r)]
    rows: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = [
        (n, load["endpoints"][n], load["endpoints"].get(f"{n} @ {big}")) for n in names
    ]
    for delay, servers in load.get("async", {}).get("delays", {}).items():
        for server, row in servers.items():
            connections = load["async"]["connections"]
            rows.append(
                (f"async view, {server}, upstream {delay} ms, {connections} conn.", row, None)
            )
    data = load.get("reference_data") or {}
    rows.append(("reference with data", data.get(small), data.get(big) if big else None))
    rows.append(("reference (minimal view)", load["reference"], None))
    labels = [n.replace(" (", "\n(") for n, _, _ in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 8))
    positions = list(range(len(rows)))
    for axis, key in ((left, "rps"), (right, "p95_ms")):
        for offset, index, colour, label in (
            (-0.2, 1, "#3b7dd8", f"{load['rows']:,} items"),
            (0.2, 2, "#e07b39", f"{load['million']['rows']:,} items" if big else ""),
        ):
            values = [r[index][key] if measured(r[index]) else 0 for r in rows]  # type: ignore[index]
            if any(values):
                bars = axis.barh(
                    [p + offset for p in positions], values, height=0.4, color=colour, label=label
                )
                axis.bar_label(
                    bars, labels=[f"{v:,.0f}" if v else "" for v in values], fontsize=7, padding=2
                )
        axis.set_yticks(positions, labels if axis is left else [""] * len(rows))
        axis.invert_yaxis()
    left.set_xscale("log")
    left.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:,.0f}"))
    left.xaxis.set_minor_formatter(ticker.NullFormatter())
    left.set_xlabel("requests per second, log scale (higher is better)")
    right.axvline(TARGET_P95_MS, color="black", linestyle="--", label="200 ms budget")
    right.set_xlabel("p95 latency, ms (lower is better)")
    left.legend(loc="best")
    right.legend(loc="lower right")
    layers = ", ".join(load["layers"]) or "no layer yet"
    fig.suptitle(f"django-pro project ({layers}) under wrk, production servers")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
