"""The template's own suite: its wall time, and its worker-seconds by category.

    uv run python bench/suite_time.py                       # the whole suite: many minutes
    uv run python bench/suite_time.py -- -m fast            # a selection (pytest's arguments)
    uv run python bench/suite_time.py --from timings.jsonl  # report a run already made
    uv run python bench/suite_time.py --from timings.jsonl --wall 2000 \
        --save "time bash .ci/run" --outcome "899 passed in 1999.00s"  # keep a run made so

The suite records, when DJANGO_PRO_TIMINGS names a file (tests/harness.py, record_timing): each
test phase's duration and worker, and the steps inside tests that are their own category
(`copier copy`, `uv sync`). A step's seconds are taken out of the test that ran it. A run of the
whole suite is kept in bench/results/suite_time.json, which `bench/run.py` reports (`--matrix`
runs it); `--timings FILE` keeps the raw records of any run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, ROOT, git_commit, log
from tests.harness import RUN_ID_VARIABLE, TIMINGS_VARIABLE

SUITE_FILE = RESULTS / "suite_time.json"

# Category of a test, by the start of its id (the first that matches); the table of issue 22.
TEST_CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    (
        "generated suites on PostgreSQL + Redis",
        ("tests/test_matrix.py::test_suite_on_postgres_and_redis",),
    ),
    ("generated suites on SQLite", ("tests/test_matrix.py::test_suite_on_sqlite",)),
    ("mypy", ("tests/test_matrix.py::test_type_check",)),
    (
        "Django checks",
        (
            "tests/test_matrix.py::test_django_checks",
            "tests/test_matrix.py::test_check_deploy_with_production_settings",
        ),
    ),
    ("Docker layer checks", ("tests/layers/test_docker.py",)),
    (
        "update tests",
        (
            "tests/test_update.py",
            "tests/test_update_history.py",
            "tests/test_settings_upgrade.py",
        ),
    ),
    (
        "fuzzing, browser, faults, clients",
        (
            "tests/layers/test_drf_fuzz.py",
            "tests/test_browser",
            "tests/test_faults.py",
            "tests/test_clients.py",
        ),
    ),
    ("lint", ("tests/test_matrix.py::test_lint_and_format",)),
]
OTHER = "rendering, security, questions, docs, other layer checks"
# Steps recorded inside tests, whatever test ran them.
STEP_CATEGORIES = {"uv sync": "`uv sync` (project environments)", "copier copy": "copier copy"}


def category_of(nodeid: str) -> str:
    for name, prefixes in TEST_CATEGORIES:
        if nodeid.startswith(prefixes):
            return name
    return OTHER


def summarize(records: list[dict[str, Any]], wall: float | None = None) -> dict[str, Any]:
    """Worker-seconds and CPU seconds by category, per worker, and the wall time (measured, or
    the span of the recorded phases when not given)."""
    by_category: dict[str, float] = defaultdict(float)
    cpu_by_category: dict[str, float] = defaultdict(float)
    by_worker: dict[str, float] = defaultdict(float)
    builds: dict[str, int] = defaultdict(int)
    tests: set[str] = set()
    for record in records:
        if record["kind"] == "test":
            by_category[category_of(record["test"])] += record["seconds"]
            by_worker[record["worker"]] += record["seconds"]
            tests.add(record["test"])
        elif record["kind"] == "step":
            # Counted in its own category, and out of the test it ran in.
            by_category[STEP_CATEGORIES.get(record["what"], record["what"])] += record["seconds"]
            by_category[category_of(record["test"])] -= record["seconds"]
            builds[record["what"]] += 1
            if "cpu" in record:
                cpu_by_category[STEP_CATEGORIES.get(record["what"], record["what"])] += record[
                    "cpu"
                ]
                cpu_by_category[category_of(record["test"])] -= record["cpu"]
        elif record["kind"] == "cpu":  # a whole test's CPU seconds, its processes' included
            cpu_by_category[category_of(record["test"])] += record["seconds"]
    if wall is None and records:
        timed = [r for r in records if r["kind"] != "cpu"]
        wall = max(r["at"] for r in timed) - min(r["at"] - r["seconds"] for r in timed)
    total = sum(by_category.values())
    return {
        "wall_s": wall,
        "worker_seconds": total,
        "tests": len(tests),
        "steps": dict(builds),
        "categories": dict(sorted(by_category.items(), key=lambda item: -item[1])),
        "cpu_seconds": sum(cpu_by_category.values()) if cpu_by_category else None,
        "cpu_categories": dict(cpu_by_category),
        "workers": {
            worker: {"seconds": seconds, "busy": seconds / wall if wall else None}
            for worker, seconds in sorted(by_worker.items())
        },
    }


def read_records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def suite_env(timings: Path) -> dict[str, str]:
    """Ours, as a contributor's shell would give it, but for a run id of the suite's own."""
    env = {key: value for key, value in os.environ.items() if key != RUN_ID_VARIABLE}
    env[TIMINGS_VARIABLE] = str(timings)
    return env


def measure(pytest_args: list[str], keep: Path | None = None) -> dict[str, Any]:
    """Run the suite as README.md says (`uv run pytest`), recording, and summarize it."""
    with tempfile.TemporaryDirectory(prefix="django-pro-suite-time-") as scratch:
        timings = keep or Path(scratch) / "timings.jsonl"
        timings.unlink(missing_ok=True)
        command = ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
        log(f"template suite: {' '.join(command)} (the whole suite takes many minutes)")
        started = time.perf_counter()
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=suite_env(timings),
            text=True,
            capture_output=True,
            check=False,
            timeout=4 * 3600,
        )
        wall = time.perf_counter() - started
        records = read_records(timings) if timings.exists() else []
    summary = summarize(records, wall)
    lines = result.stdout.strip().splitlines() or ["?"]
    summary.update(
        command=" ".join(command),
        green=result.returncode == 0,
        outcome=lines[-1],
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        commit=git_commit(),
    )
    return summary


def save(summary: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    SUITE_FILE.write_text(json.dumps(summary, indent=2) + "\n")
    log(f"wrote {SUITE_FILE}")


def last_measured() -> dict[str, Any] | None:
    return json.loads(SUITE_FILE.read_text()) if SUITE_FILE.exists() else None


def table(summary: dict[str, Any]) -> list[str]:
    """The summary as a Markdown table, with the wall time and how busy each worker was."""
    total = summary["worker_seconds"] or 1.0
    cpu = summary.get("cpu_categories") or {}
    cpu_total = summary.get("cpu_seconds") or 1.0
    lines = [
        "| category | worker-seconds | share | CPU seconds | share |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, seconds in summary["categories"].items():
        used = f"{cpu[name]:,.0f} | {cpu[name] / cpu_total:.1%}" if name in cpu else "n/a | "
        lines.append(f"| {name} | {seconds:,.0f} | {seconds / total:.1%} | {used} |")
    cpu_sum = f"{summary['cpu_seconds']:,.0f}" if summary.get("cpu_seconds") else "n/a"
    lines.append(f"| **total** | **{summary['worker_seconds']:,.0f}** | | **{cpu_sum}** | |")
    busy = ", ".join(
        f"{worker} {w['busy']:.0%}" for worker, w in summary["workers"].items() if w["busy"]
    )
    steps = ", ".join(f"{count} {what}" for what, count in summary["steps"].items())
    lines += [
        "",
        f"Wall time {summary['wall_s']:,.0f} s for {summary['tests']} tests; workers busy: "
        f"{busy or 'n/a'}; steps: {steps or 'none recorded'}.",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="a timings file to report")
    parser.add_argument("--wall", type=float, help="the run's wall time, with --from")
    parser.add_argument("--timings", type=Path, help="keep the run's raw records in this file")
    parser.add_argument(
        "--save",
        metavar="COMMAND",
        help="with --from: keep this whole run as the suite's figures, made by COMMAND (such as "
        "`time bash .ci/run` with DJANGO_PRO_TIMINGS set, on a fresh clone)",
    )
    parser.add_argument("--outcome", help="with --save: pytest's last line for that run")
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's arguments")
    args = parser.parse_args()
    if args.source:
        summary = summarize(read_records(args.source), args.wall)
        if args.save:
            outcome = args.outcome or "?"
            summary.update(
                command=args.save,
                outcome=outcome,
                green=" passed" in outcome and not any(w in outcome for w in ("failed", "error")),
                measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
                commit=git_commit(),
            )
            save(summary)
    else:
        summary = measure(args.pytest_args, args.timings)
        log(summary["outcome"])
        if not args.pytest_args:  # only the whole suite stands for the suite in the report
            save(summary)
    print("\n".join(table(summary)))
    return 0 if summary.get("green", True) else 1


if __name__ == "__main__":
    sys.exit(main())
