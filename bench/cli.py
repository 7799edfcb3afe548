"""The benchmark's command line: which parts run, with which settings, and the report.

    uv run python bench/run.py                 # everything but the whole suite
    uv run python bench/run.py --matrix        # also time the template's whole suite, by category
    uv run python bench/run.py --quick         # short runs, to try it out

Writes bench/results/results.{json,md,png}. Everything it starts listens on 127.0.0.1 only, is
bounded in time, and is stopped at the end, also on failure or Ctrl-C. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import suite_time
from bench.common import RESULTS, WORK, git_commit, log
from bench.load import bench_load
from bench.measure import BenchFailure
from bench.report import write_report
from bench.template_timings import bench_template


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="copier copy runs per case")
    parser.add_argument("--test-runs", type=int, default=3, help="first-green-test-run runs")
    parser.add_argument(
        "--matrix",
        action="store_true",
        help="also run the template's whole suite, timed by category (bench/suite_time.py)",
    )
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
    parser.add_argument(
        "--million-rows",
        type=int,
        default=None,
        help="items of the large data set, seeded in SQL in a database of its own "
        "(default 1,000,000; 100,000 with --quick; 0 skips it)",
    )
    parser.add_argument(
        "--async-connections",
        type=int,
        default=64,
        help="wrk connections for the async view at each upstream delay",
    )
    parser.add_argument(
        "--upstream-delays",
        type=lambda text: [float(x) for x in text.split(",")],
        default=[0.0, 100.0],
        help="upstream delays (ms, comma-separated) the async view is measured at",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=20,
        metavar="N",
        help="profile N requests of each list in one process at each size "
        "(results/profile_<size>.txt; 0: do not)",
    )
    parser.add_argument(
        "--max-error-rate",
        type=float,
        default=0.01,
        help="an endpoint with more failed or non-2xx answers than this share stops the run",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where results.{json,md,png} go (default bench/results/; trial runs elsewhere)",
    )
    parser.add_argument("--quick", action="store_true", help="short runs, to try it out")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.test_runs, args.duration, args.warmup, args.size_duration = 2, 1, 3, 1, 2
        args.profile = min(args.profile, 5)
    if args.million_rows is None:
        args.million_rows = 100_000 if args.quick else 1_000_000
    args.results = args.results.resolve()
    args.results.mkdir(parents=True, exist_ok=True)
    if not shutil.which("wrk") and not args.skip_load:
        log("wrk is not installed: apt-get install -y wrk")
        return 2
    WORK.mkdir(exist_ok=True)
    previous = {}
    if (args.results / "results.json").exists():
        previous = json.loads((args.results / "results.json").read_text())
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
        # A skipped part keeps an older run's numbers: the report says when these were measured.
        results["template"]["measured"] = {
            "at": results["meta"]["measured_at"],
            "commit": results["meta"]["commit"],
        }
    if args.matrix:
        suite_time.save(suite_time.measure([]))
    results["suite"] = suite_time.last_measured()
    if not args.skip_load:
        try:
            results["load"] = bench_load(args)
        except BenchFailure as failure:
            log(f"FAILED, nothing written: {failure}")
            return 1
    if args.skip_load and previous.get("meta"):
        # The header describes the load run (its commit, machine and load): a run without one
        # keeps the header of the load numbers it keeps.
        results["meta"] = previous["meta"]
    else:
        results["meta"]["load_average_at_end"] = os.getloadavg()[0]
    write_report(results, args.results)
    log(f"wrote {args.results / 'results.md'}")
    print((args.results / "results.md").read_text())
    return 0
