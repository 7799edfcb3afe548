"""Fixtures and hooks of the template's suite. The harness itself lives in tests/harness.py."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.harness import (
    COMBINATIONS_BY_ID,
    FAST_COMBINATION,
    TEMPLATE_ROOT,
    Combination,
    Project,
    cpu_seconds,
    record_timing,
    redis_pool,
    run_id,
)

# Checks of the rendered files alone, cheap enough for the fast tier on every combination.
RENDERING_MODULE = "tests/test_rendering.py"
# The combination's cross-module proofs that the fast tier leaves to the whole suite: they serve
# the project as in production and wait on it (the fuzzing's 33 CPU-seconds took 178 s, the
# clients' idle sockets wait 60 s by design), which alone would take the tier past 3 minutes.
# `-k <combination id>` runs them with everything else of that combination.
WHOLE_SUITE_ONLY = (
    "tests/layers/test_drf_fuzz.py",
    "tests/test_clients.py",
    "tests/test_faults.py",
    "tests/test_browser",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast-combination",
        default=FAST_COMBINATION.id,
        choices=sorted(COMBINATIONS_BY_ID),
        metavar="ID",
        help=f"the combination the fast tier (-m fast) runs whole (default {FAST_COMBINATION.id})",
    )


def pytest_configure(config: pytest.Config) -> None:
    # pytest-copie renders the template from --template; default to this checkout.
    if getattr(config.option, "template", None) in (None, "."):
        config.option.template = str(TEMPLATE_ROOT)
    # One id for the whole run, set before xdist starts its workers (they inherit it).
    run_id()
    # Bytecode for the suite's own processes too: xdist workers, and the programs tests start
    # with this environment (copier, bandit), import copier, schemathesis and the rest from
    # compiled files instead of compiling them in each process (4.0 s to collect, 1.4 s with).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject.toml): tests/scheduling.py's auto_workers(), unless
    PYTEST_XDIST_AUTO_NUM_WORKERS says (xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    from tests.scheduling import auto_workers

    return auto_workers(len(os.sched_getaffinity(0)), len(redis_pool()))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadscope` (pyproject.toml) with tests/scheduling.py's scope: a combination."""
    if config.getvalue("dist") != "loadscope":
        return None
    from tests.scheduling import CombinationScheduling

    return CombinationScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fast tier, `-m fast`: every combination rendered, checked as rendered and linted (the
    tests marked fast, and tests/test_rendering.py), and every test of one combination, the
    all-layers one unless --fast-combination names another, but for the served-project proofs
    of WHOLE_SUITE_ONLY."""
    whole = COMBINATIONS_BY_ID[config.getoption("fast_combination")]
    for item in items:
        callspec = getattr(item, "callspec", None)
        combination = callspec.params.get("combination") if callspec else None
        own = combination == whole and not item.nodeid.startswith(WHOLE_SUITE_ONLY)
        if own or item.nodeid.startswith(RENDERING_MODULE):
            item.add_marker(pytest.mark.fast)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Where the test ran (a worker, or the only process); under xdist the controller gets every
    # report again, with the worker as `node`.
    if getattr(report, "node", None) is None:
        record_timing("test", report.when, report.duration, test=report.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    # Its CPU seconds, the worker's and those of the processes it ran: unlike its duration, the
    # same on a quiet machine and on a loaded one (bench/suite_time.py).
    cpu = cpu_seconds()
    try:
        return (yield)
    finally:
        record_timing("cpu", "test", cpu_seconds() - cpu, test=item.nodeid)


@pytest.fixture(scope="session")
def projects(copie_session) -> Callable[[Combination], Project]:
    """Generate each combination once per worker; the project and its venv are then shared."""
    cache: dict[Combination, Project] = {}

    def get(combination: Combination) -> Project:
        if combination not in cache:
            started, cpu = time.perf_counter(), cpu_seconds()
            result = copie_session.copy(extra_answers=combination.answers())
            seconds = time.perf_counter() - started
            record_timing("step", "copier copy", seconds, cpu=cpu_seconds() - cpu)
            if result.exit_code != 0:
                pytest.fail(f"[{combination.id}] copier copy failed: {result.exception}")
            cache[combination] = Project(combination, result.project_dir, result.answers)
        return cache[combination]

    return get
