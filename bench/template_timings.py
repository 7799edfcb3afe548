"""The template's own timings: copier copy, and a new project's way to its first green test run
as README.md's quick start gives it."""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import WORK, copier_copy, log
from tests.template_repo import bash_block, clone_this_checkout, run_block

# PyPI's Simple API answers with `Cache-Control: max-age=600, public`, so uv reuses an index page
# for ten minutes without asking again. A proxy or mirror that drops the header (as this
# machine's does) makes uv revalidate every page of every resolution: 5-6 s of each `uv sync`
# of a new project here. This configuration gives uv PyPI's own header back (uv's per-index
# `cache-control`), so the path can be measured as it runs against pypi.org as well.
PYPI_CACHE_CONTROL = """\
[[index]]
name = "pypi"
url = "https://pypi.org/simple"
default = true
cache-control = { api = "max-age=600, public" }
"""
QUICK_START = "## Quick start"


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

    root = WORK / "quick-start"
    shutil.rmtree(root, ignore_errors=True)
    template = clone_this_checkout(root / "django-pro")
    uv_config = root / "uv-pypi-cache-control.toml"
    uv_config.write_text(PYPI_CACHE_CONTROL)
    for name, extra in (
        ("copy to green, as this machine's network answers", {}),
        ("copy to green, with PyPI's Cache-Control", {"UV_CONFIG_FILE": str(uv_config)}),
    ):
        out[name] = copy_to_green(template, args.test_runs, extra)
    return out


def copy_to_green(template: Path, runs: int, extra: dict[str, str]) -> dict[str, Any]:
    """README.md's quick start, its first two lines as written: `copier copy` into
    ../my-service, then `uv sync && uv run pytest` there; uv's cache warmed by one run first."""
    copy, test = bash_block((template / "README.md").read_text(), QUICK_START).splitlines()[:2]
    where, sync, pytest = (part.strip() for part in test.split("&&"))
    assert (where, sync, pytest) == ("cd ../my-service", "uv sync", "uv run pytest"), test
    steps = {"copy": copy, "uv sync": f"{where} && {sync}", "pytest": f"{where} && {pytest}"}
    seconds: dict[str, list[float]] = {step: [] for step in steps}
    for run in range(runs + 1):
        shutil.rmtree(template.parent / "my-service", ignore_errors=True)
        for step, command in steps.items():
            started = time.perf_counter()
            run_block(command, template, env=extra)
            if run:  # the first run warms uv's cache
                seconds[step].append(time.perf_counter() - started)
    totals = [sum(values) for values in zip(*seconds.values(), strict=True)]
    medians = {step: statistics.median(values) for step, values in seconds.items()}
    steps_said = ", ".join(f"{step} {value:.1f} s" for step, value in medians.items())
    log(f"copy to green {extra or ''}: median {statistics.median(totals):.1f} s ({steps_said})")
    return {
        "median_s": statistics.median(totals),
        "runs": totals,
        "steps_median_s": medians,
        "steps": seconds,
        "commands": list(steps.values()),
    }
