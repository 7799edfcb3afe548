"""bench/results/: results.json (every number), results.md (the tables), results.png (the plot)."""

from __future__ import annotations

import json
from typing import Any

from bench import suite_time
from bench.common import RESULTS

TARGET_P95_MS = 200.0
TARGET_SLOW_QUERY_MS = 50.0


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
                continue  # measured by bench/suite_time.py now, reported below
            runs = ", ".join(f"{x:.1f}" for x in value["runs"])
            extra = ""
            if "pytest_median_s" in value:
                extra = (
                    f" (uv sync {value['uv_sync_median_s']:.1f} s + pytest "
                    f"{value['pytest_median_s']:.1f} s)"
                )
            lines.append(f"| {name} | {value['median_s']:.2f} s{extra} | {runs} |")
        lines.append("")
    suite = results.get("suite")
    lines += ["## The template's suite", ""]
    if suite:
        lines += [
            f"`{suite['command']}`, measured {suite['measured_at']} at commit {suite['commit']}: "
            f"{suite['outcome']} ({'green' if suite['green'] else 'NOT green'}).",
            "",
            *suite_time.table(suite),
            "",
        ]
    else:
        lines += ["Not measured yet: `uv run python bench/run.py --matrix`.", ""]
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
