"""The template's own timings: copier copy, and a new project's first green test run."""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from bench.common import WORK, clean_env, copier_copy, log, run, uv_sync


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

    return out
