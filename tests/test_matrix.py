"""Every combination of the five layers generates a project whose own checks and tests pass.

Each test below runs once per combination (ids like drf-celery-nochannels-graphql-docker). The
project is generated and its environment built by the first test that needs it on the worker
that owns the combination (tests/scheduling.py), then shared by the rest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.harness import (
    DJANGO_LTS,
    LOOPBACK,
    POSTGRES_PORT,
    REDIS_PORT,
    combination_params,
    database_name,
    redis_url,
    require_service,
)

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("combination", combination_params())]

# The suite's own ruff (its environment's, else the one on PATH): linting needs no project
# environment, so the fast tier can lint every combination without building one.
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff") or "ruff"


def ruff(project, *args: str) -> None:
    result = subprocess.run(
        [RUFF, *args], cwd=project.path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout}{result.stderr}"


@pytest.mark.fast
def test_lint_and_format(projects, combination):
    project = projects(combination)
    # The ruff that lints here is one the project itself would install.
    pyproject = tomllib.loads((project.path / "pyproject.toml").read_text())
    (wanted,) = [
        r for r in map(Requirement, pyproject["dependency-groups"]["dev"]) if r.name == "ruff"
    ]
    version = subprocess.run([RUFF, "--version"], capture_output=True, text=True, check=True)
    assert wanted.specifier.contains(version.stdout.split()[-1]), (wanted, version.stdout)
    ruff(project, "check", ".")
    ruff(project, "format", "--check", ".")


def test_type_check(projects, combination):
    # One run per project: the incremental cache it would write (60-90 MB) is never read. Not
    # seeded from another combination's cache either: its entries keep that venv's imports (jwt)
    # and the Django plugin's links to that project's user model, which mypy then reports
    # missing here ("Cannot find ... my_service.users.models"), though it re-hashes every file.
    project = projects(combination)
    project.venv("mypy", "--cache-dir=/dev/null", ".")
    # On Django 6.1 the project parses with mypy's native parser (a third less CPU); the stubs
    # for 5.2 keep a mypy without it. Read as mypy reads the project's configuration.
    options = project.venv("python", "-c", MYPY_PARSER).stdout.strip()
    assert options == ("native" if combination.django != DJANGO_LTS else "classic")


MYPY_PARSER = """
from mypy.config_parser import parse_config_file
from mypy.options import Options
options = Options()
parse_config_file(options, lambda: None, "pyproject.toml")
print("native" if getattr(options, "native_parser", False) else "classic")
"""


# `check` (with test and with local settings), `makemigrations --check` and `check --deploy` are
# the generated suite's own tests (run by test_suite_on_sqlite and, for migrations,
# test_suite_on_postgres_and_redis): each process this module started for them spent a second or
# more setting Django up before it checked anything. Local settings are checked in the suite's
# local-settings probe, with the variables of .env.example (a new user's `cp .env.example .env`).
SUITE_CHECKS = {
    "tests/test_django_checks.py": (
        "def test_the_system_checks_pass_warnings_included(",
        'call_command("check", fail_level="WARNING")',
        "def test_every_model_change_has_its_migration(",
        'call_command("makemigrations", check=True, dry_run=True',
    ),
    "tests/config/test_local_settings.py": (
        'call_command("check", fail_level="WARNING")',
        "def test_local_settings_pass_the_system_checks_with_the_example_environment(",
        'answers("local")["checks"] == "passed"',
    ),
    "tests/probes.py": (
        '"DJANGO_SETTINGS_MODULE": "config.settings.local", **example_environment()',
        '_ExampleEnvironment.read_env(PROJECT / ".env.example")',
    ),
    "tests/config/test_settings.py": (
        "def test_production_settings_pass_check_deploy(",
        'call_command("check", deploy=True, fail_level="WARNING")',
    ),
}


@pytest.mark.fast
def test_django_checks(projects, combination):
    project = projects(combination)
    for module, calls in SUITE_CHECKS.items():
        suite = (project.path / module).read_text()
        missing = [call for call in calls if call not in suite]
        assert not missing, f"{module} no longer runs {missing}"


def test_suite_on_sqlite(projects, combination, tmp_path):
    """The project's own tests, with its coverage threshold, on SQLite and local memory; coverage
    measures through sys.monitoring, the core the project's pyproject.toml asks for on Python
    3.12 and later (the C tracer costs a quarter more of the suite's time)."""
    project = projects(combination)
    debug = tmp_path / "coverage-debug.txt"
    env = {"COVERAGE_DEBUG": "core", "COVERAGE_DEBUG_FILE": str(debug)}
    result = project.venv("pytest", "-p", "no:cacheprovider", "--create-db", env=env)
    assert " passed" in result.stdout
    core = tomllib.loads((project.path / "pyproject.toml").read_text())["tool"]["coverage"]["run"]
    wanted = "sysmon" if project.answers["python_version"] != "3.11" else "ctrace"
    assert core.get("core", "ctrace") == wanted
    assert f"Using core={wanted}" in debug.read_text()


def test_suite_on_postgres_and_redis(projects, combination):
    """The project's tests that real services can change, over PostgreSQL and Redis on loopback:
    no service test is skipped.

    `-m services` is every test that uses the database or is marked for a service (the project's
    tests/conftest.py marks them). The others touch neither: production-settings probes in
    subprocesses, middleware, logging, schema and error-mapping tests behave the same whatever
    the database, and have just run in test_suite_on_sqlite.
    """
    require_service("PostgreSQL", LOOPBACK, POSTGRES_PORT)
    require_service("Redis", LOOPBACK, REDIS_PORT)
    project = projects(combination)
    # This run's own database (pytest-django creates test_<name>, and keeps it: the project's
    # pytest options say --reuse-db) and a Redis database no other process uses meanwhile.
    database = database_name(combination, "suite")
    env = {
        "DATABASE_URL": f"postgres://postgres@{LOOPBACK}:{POSTGRES_PORT}/{database}",
        "REDIS_URL": redis_url(),
    }
    try:
        # Coverage is measured and enforced by the SQLite run; here only the services differ.
        command = ("pytest", "-p", "no:cacheprovider", "--create-db", "--no-cov", "-rs")
        result = project.venv(*command, "-m", "services", env=env)
    finally:
        project.drop_databases(f"test_{database}")
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1], result.stdout[-3000:]
