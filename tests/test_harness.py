"""The harness itself: each combination on one worker, longest first; nothing a run shares with
another run (databases, Redis databases) can collide; a project's commands get bytecode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.harness import (
    ALL_COMBINATIONS,
    RUN_ID_VARIABLE,
    TEMPLATE_ROOT,
    Combination,
    clean_env,
    combination_params,
    database_name,
    matrix_combination,
    new_run_id,
)
from tests.scheduling import auto_workers, estimated_seconds, unit_of

pytestmark = pytest.mark.fast

ALL_ON = matrix_combination(drf=True, celery=True, channels=True, graphql=True, docker=True)
ALL_OFF = Combination()
# A few combinations, their tests spread over two modules as the suite spreads them.
SAMPLE = [ALL_OFF, ALL_ON, matrix_combination(drf=True), matrix_combination(celery=True)]
SAMPLE += [c for c in ALL_COMBINATIONS if c.django != ALL_ON.django and sum(c.layers.values()) == 5]
SAMPLE_MODULE = """
import os

import pytest

from tests.harness import ALL_COMBINATIONS, combination_params

SAMPLE = {ids!r}


@pytest.mark.parametrize("combination", combination_params(
    [c for c in ALL_COMBINATIONS if c.id in SAMPLE]))
@pytest.mark.parametrize("check", ["first", "second"])
def test_{name}(combination, check):
    with open(os.environ["RECORD"], "a") as record:
        record.write(os.environ["PYTEST_XDIST_WORKER"] + " " + combination.id + "\\n")
"""


def test_a_combinations_tests_in_every_module_share_one_unit():
    combination = "drf-celery-channels-graphql-docker-django6.1"
    assert {
        unit_of(f"tests/test_matrix.py::test_type_check[{combination}]"),
        unit_of(f"tests/layers/test_docker.py::test_ports_agree[{combination}]"),
        unit_of(f"tests/test_x.py::test_y[frame1-{combination}]"),
    } == {combination}
    # One combination's id inside another's: each keeps its own unit.
    assert unit_of("tests/a.py::t[nodrf-nocelery-nochannels-nographql-nodocker]") == (
        "nodrf-nocelery-nochannels-nographql-nodocker"
    )
    # Tests without a combination are grouped by module (module-scoped fixtures built once).
    assert unit_of("tests/test_update.py::test_switching_a_layer_on[celery]") == (
        "tests/test_update.py"
    )


def test_every_layer_makes_a_combination_longer():
    for combination in ALL_COMBINATIONS:
        for layer, on in combination.layers.items():
            if not on:
                more = matrix_combination(**{**combination.layers, layer: True})
                assert estimated_seconds(more.id, 10) > estimated_seconds(combination.id, 10)


def test_under_xdist_each_combination_runs_on_one_worker_the_longest_first(tmp_path):
    """Two workers, tests of several combinations in two modules: every combination's tests run
    on one worker, both workers work, and the all-layers combinations start first."""
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent("""
            from tests.scheduling import CombinationScheduling

            def pytest_xdist_make_scheduler(config, log):
                return CombinationScheduling(config, log)
        """)
    )
    ids = [c.id for c in SAMPLE]
    for name in ("checks", "suites"):
        (tmp_path / f"test_{name}.py").write_text(SAMPLE_MODULE.format(ids=ids, name=name))
    record = tmp_path / "record.txt"
    env = {**os.environ, "RECORD": str(record), "PYTHONPATH": str(TEMPLATE_ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadscope",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [line.split() for line in record.read_text().splitlines()]
    workers_of: dict[str, set[str]] = {}
    for worker, combination in runs:
        workers_of.setdefault(combination, set()).add(worker)
    print(json.dumps({c: sorted(w) for c, w in workers_of.items()}, indent=1))
    assert sorted(workers_of) == sorted(ids)
    assert all(len(workers) == 1 for workers in workers_of.values()), workers_of
    assert {w for workers in workers_of.values() for w in workers} == {"gw0", "gw1"}
    first = {worker: combination for worker, combination in reversed(runs)}
    assert set(first.values()) == {c.id for c in SAMPLE if sum(c.layers.values()) == 5}


def test_database_names_differ_per_combination_django_line_and_run(monkeypatch):
    names = {database_name(c, "suite") for c in ALL_COMBINATIONS}
    assert len(names) == len(ALL_COMBINATIONS)
    twins = [c for c in ALL_COMBINATIONS if c.layers == ALL_OFF.layers]
    assert len({database_name(c, "suite") for c in twins}) == 2
    monkeypatch.setenv(RUN_ID_VARIABLE, new_run_id())
    assert database_name(ALL_ON, "suite") not in names
    assert all(len(f"test_{name}") <= 63 for name in names)


def test_two_processes_never_hold_the_same_redis_database(tmp_path):
    """Each process claims a database and holds it; a second one running meanwhile gets another,
    and a database is free again once its process has ended."""
    claim = (
        "import sys; from tests.harness import redis_database; "
        "print(redis_database(), flush=True); sys.stdin.read()"
    )
    # Locks of their own (under TMPDIR), so that a run of the suite meanwhile changes nothing.
    env = {
        **os.environ,
        "PYTHONPATH": str(TEMPLATE_ROOT),
        "TMPDIR": str(tmp_path),
        "DJANGO_PRO_REDIS_DATABASES": "7,8",
    }

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", claim],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    first, second = start(), start()
    try:
        assert first.stdout and second.stdout
        numbers = {first.stdout.readline().strip(), second.stdout.readline().strip()}
        assert numbers == {"7", "8"}
    finally:
        for process in (first, second):
            process.communicate("", timeout=30)
    third = start()
    assert third.communicate("", timeout=30)[0].strip() in {"7", "8"}


def test_a_projects_commands_write_bytecode_and_inherit_no_service(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("DATABASE_URL", "postgres://somewhere/else")
    monkeypatch.setenv("CELERY_BROKER_URL", "amqp://somewhere")
    env = clean_env(REDIS_URL="redis://127.0.0.1:6379/3")
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert "DATABASE_URL" not in env
    assert "CELERY_BROKER_URL" not in env
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/3"  # what a command names, it gets
    assert env["PATH"] == os.environ["PATH"]


@pytest.mark.parametrize("combination", combination_params([ALL_ON]))
def test_the_run_on_services_repeats_what_they_can_change_and_nothing_else(projects, combination):
    """`-m services` (test_suite_on_postgres_and_redis) keeps every test that uses the database
    or a service and leaves out those that touch neither, which the SQLite run has covered."""
    options = ("--collect-only", "-q", "--no-cov", "-p", "no:cacheprovider")
    result = projects(combination).venv("pytest", *options, "-m", "not services")
    left_out = {line for line in result.stdout.splitlines() if "::" in line}
    # Production settings probed in subprocesses, and logging: the same on any database.
    assert "tests/config/test_settings.py::test_production_settings_pass_check_deploy" in left_out
    assert any(t.startswith("tests/core/test_logging.py::") for t in left_out)
    # Tests that use the database, and one marked redis that does not, stay in the services run.
    assert not any(t.startswith("tests/items/test_services.py::") for t in left_out)
    redis_only = (
        "tests/test_services_integration.py::test_redis_cache_round_trips_over_a_real_connection"
    )
    assert redis_only not in left_out
    deselected = result.stdout.strip().splitlines()[-1]  # "70/433 tests collected (363 deselected)"
    assert " deselected" in deselected and not deselected.startswith("0/"), deselected


def test_the_benchmark_reports_cpu_seconds_by_category_with_steps_taken_out():
    from bench.suite_time import summarize

    mypy = "tests/test_matrix.py::test_type_check[x]"
    suite = "tests/test_matrix.py::test_suite_on_sqlite[x]"
    records = [
        {"kind": "test", "what": "call", "seconds": 10.0, "test": mypy, "worker": "gw0", "at": 10},
        {"kind": "cpu", "what": "test", "seconds": 8.0, "test": mypy, "worker": "gw0", "at": 10},
        {"kind": "step", "what": "uv sync", "seconds": 3.0, "cpu": 1.0, "test": mypy,
         "worker": "gw0", "at": 5},
        {"kind": "test", "what": "call", "seconds": 6.0, "test": suite, "worker": "gw1", "at": 9},
        {"kind": "cpu", "what": "test", "seconds": 4.0, "test": suite, "worker": "gw1", "at": 9},
    ]  # fmt: skip
    summary = summarize(records, wall=10.0)
    assert summary["categories"]["mypy"] == 7.0
    assert summary["cpu_categories"] == {
        "mypy": 7.0,
        "`uv sync` (project environments)": 1.0,
        "generated suites on SQLite": 4.0,
    }
    assert summary["cpu_seconds"] == 12.0


def test_auto_starts_a_worker_more_than_the_cores_and_no_more_than_redis_databases(tmp_path):
    assert [auto_workers(2, 15), auto_workers(4, 15), auto_workers(2, 2), auto_workers(1, 0)] == [
        3,
        5,
        2,
        1,
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    cores = len(os.sched_getaffinity(0))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_questions.py"]
    for pool in ("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15", "14,15"):
        result = subprocess.run(
            [*command, "-k", "no_such_test"],
            cwd=TEMPLATE_ROOT,
            env={**env, "DJANGO_PRO_REDIS_DATABASES": pool},
            capture_output=True,
            text=True,
            check=False,
        )
        workers = min(cores + 1, len(pool.split(",")))
        assert f"created: {workers}/{workers} workers" in result.stdout, result.stdout[-2000:]


def test_the_fast_tier_runs_its_combination_but_not_its_served_project_proofs():
    """README, Tests: `-m fast` keeps every combination's rendering and lint and the all-layers
    combination's own checks, and leaves fuzzing, clients and faults to the whole suite."""
    from tests.conftest import WHOLE_SUITE_ONLY

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0"]
    result = subprocess.run(
        [*command, "-m", "fast", "--collect-only", "-q"],
        cwd=TEMPLATE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    selected = [line for line in result.stdout.splitlines() if "::" in line]
    assert f"tests/test_matrix.py::test_suite_on_sqlite[{ALL_ON.id}]" in selected, result.stdout
    assert sum("::test_lint_and_format[" in test for test in selected) == len(ALL_COMBINATIONS)
    assert not [test for test in selected if test.startswith(WHOLE_SUITE_ONLY)]
