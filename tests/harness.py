"""The template's test harness: combinations, generated projects and their environments.

A combination is one answer to the five layer questions, on one Django line. Each is generated
once per test session, gets its own uv virtual environment built from its own pyproject.toml, and
every check on it reuses both: tests/scheduling.py sends all of a combination's tests, whatever
their module, to one xdist worker, so each is generated and built exactly once.

Whatever a test run shares with other runs on the machine is named per run: PostgreSQL databases
carry the run's id (run_id()), Redis databases are claimed per process (redis_url()), ports come
from free_port().
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import resource
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("drf", "celery", "channels", "graphql", "docker")
PYTHON_ROOT = Path(os.environ.get("PYENV_ROOT", "/root/.pyenv")) / "versions"

# The other questions, covered pairwise by spreading them over the combinations instead of
# crossing them: every combination gets one value of each, in rotation.
PYTHON_VERSIONS = ("3.13", "3.12", "3.11")
# Django 6 needs Python 3.12 or newer.
PYTHON_VERSIONS_DJANGO_6 = ("3.13", "3.12")
DJANGO_LTS = "5.2"
DJANGO_NEWEST = "6.1"
# The last derives the longest slug the template allows (30 characters, cut from a longer name).
PROJECT_NAMES = (
    "My Service",
    "Café Ünïcode API",
    "2fast delivery",
    "billing  engine",
    "Customer Notifications Gateway Service",
)
TIMEZONES = ("UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney")

IS_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LOOPBACK = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
# Set once by the session's first process (tests/conftest.py); xdist workers inherit it.
RUN_ID_VARIABLE = "DJANGO_PRO_TEST_RUN"
# Redis databases the suite may claim (comma-separated); all but 0, which tools default to.
REDIS_DATABASES_VARIABLE = "DJANGO_PRO_REDIS_DATABASES"
# A file to append the run's timings to (bench/suite_time.py sets it).
TIMINGS_VARIABLE = "DJANGO_PRO_TIMINGS"


@dataclass(frozen=True)
class Combination:
    drf: bool = False
    celery: bool = False
    channels: bool = False
    graphql: bool = False
    docker: bool = False
    django: str = DJANGO_LTS

    @property
    def id(self) -> str:
        """Like drf-celery-nochannels-graphql-docker, with -django6.1 when not on the LTS."""
        layers = "-".join(layer if on else f"no{layer}" for layer, on in self.layers.items())
        return layers if self.django == DJANGO_LTS else f"{layers}-django{self.django}"

    @property
    def layers(self) -> dict[str, bool]:
        return {layer: getattr(self, layer) for layer in LAYERS}

    @property
    def index(self) -> int:
        return sum(1 << position for position, on in enumerate(self.layers.values()) if on)

    @property
    def key(self) -> str:
        """Short and unique among the combinations, for names with a length limit: 31_61."""
        return f"{self.index:02d}_{self.django.replace('.', '')}"

    def answers(self) -> dict[str, Any]:
        """The layer answers plus this combination's share of the other questions."""
        answers: dict[str, Any] = {f"use_{layer}": on for layer, on in self.layers.items()}
        if self.django != DJANGO_LTS:
            answers["django_version"] = self.django
        if self.index in (0, 31):
            return answers  # all off and all on keep every other default
        # The same rotation on both lines; where it lands on 3.11, Django 6 takes 3.13 instead.
        python = PYTHON_VERSIONS[self.index // 2 % len(PYTHON_VERSIONS)]
        if self.django != DJANGO_LTS and python not in PYTHON_VERSIONS_DJANGO_6:
            python = PYTHON_VERSIONS_DJANGO_6[0]
        answers["python_version"] = python
        answers["project_name"] = PROJECT_NAMES[self.index % len(PROJECT_NAMES)]
        answers["timezone"] = TIMEZONES[self.index % len(TIMEZONES)]
        return answers


def _django_for(bits: tuple[bool, ...]) -> str:
    """Half the combinations on each Django line: by the parity of the layers switched on, so
    every layer runs on and off with both; all-off and all-on stay on the LTS (and get a twin)."""
    return DJANGO_NEWEST if sum(bits) % 2 and sum(bits) != len(LAYERS) else DJANGO_LTS


ALL_COMBINATIONS = [
    Combination(*bits, django=_django_for(bits))
    for bits in itertools.product((False, True), repeat=len(LAYERS))
] + [
    Combination(django=DJANGO_NEWEST),
    Combination(*(True,) * len(LAYERS), django=DJANGO_NEWEST),
]


def matrix_combination(**layers: bool) -> Combination:
    """The matrix's combination with these layers on (the rest off), on the Django line the
    matrix gives it, so a test of it shares that combination's project and environment."""
    wanted = {layer: layers.get(layer, False) for layer in LAYERS}
    return next(c for c in ALL_COMBINATIONS if c.layers == wanted)


COMBINATIONS_BY_ID = {c.id: c for c in ALL_COMBINATIONS}
# The fast tier runs every check of this one (README, Tests) unless told another: every layer,
# on the LTS.
FAST_COMBINATION = Combination(*(True,) * len(LAYERS))


def combination_params(combinations: list[Combination] = ALL_COMBINATIONS) -> list[Any]:
    """pytest params named by combination id: tests/scheduling.py keeps a combination's tests
    on one worker by that id."""
    return [pytest.param(c, id=c.id) for c in combinations]


def python_for(version: str) -> str:
    """The interpreter of a Python version: uv may not download one here, so name it."""
    candidates = sorted(PYTHON_ROOT.glob(f"{version}.*/bin/python{version}"))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(f"python{version}")
    if found:
        return found
    pytest.fail(f"Python {version} is not installed (looked in {PYTHON_ROOT} and on PATH)")


# What a generated project must not inherit from whoever runs the suite or the benchmark: their
# test runner's and uv's state, and the services and settings a project reads from its
# environment (each command names the ones it means to give).
INHERITED_PREFIXES = ("PYTEST_", "DJANGO_", "COV_", "CELERY_", "VIRTUAL_ENV", "UV_PROJECT")
INHERITED_NAMES = {
    "DATABASE_URL",
    "REDIS_URL",
    "RABBITMQ_URL",
    "SENTRY_DSN",
    "PROMETHEUS_MULTIPROC_DIR",
    "PYTHONPATH",
    # Without bytecode every process of a project compiles Django and its dependencies again:
    # `manage.py check` takes 3.0 s instead of 1.35 s on the all-layers project.
    "PYTHONDONTWRITEBYTECODE",
}


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a generated project's commands, without the harness's own settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(INHERITED_PREFIXES) and key not in INHERITED_NAMES
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


def free_port() -> int:
    """A loopback port free right now, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def new_run_id() -> str:
    """An id for one run of the suite: the process id makes it unique on the machine, the random
    part across machines and pid reuse. 12 characters at most."""
    return f"{os.getpid():x}{secrets.token_hex(2)}"


def run_id() -> str:
    return os.environ.get(RUN_ID_VARIABLE) or os.environ.setdefault(RUN_ID_VARIABLE, new_run_id())


def database_name(combination: Combination, purpose: str) -> str:
    """A PostgreSQL database name of this run's own: djpro_<run>_<combination key>_<purpose>.
    pytest-django adds test_; PostgreSQL keeps 63 characters."""
    name = f"djpro_{run_id()}_{combination.key}_{purpose}"
    assert len("test_" + name) <= 63, name
    return name


_claimed_redis: dict[int, Any] = {}


def redis_pool() -> list[int]:
    """The Redis databases this run may claim: DJANGO_PRO_REDIS_DATABASES, else 1 to 15."""
    pool = os.environ.get(REDIS_DATABASES_VARIABLE, ",".join(str(n) for n in range(1, 16)))
    return [int(n) for n in pool.split(",") if n.strip()]


def redis_database() -> int:
    """A Redis database number no other process of this machine uses while this one lives.

    Processes of one run and of concurrent runs (two contributors, two checkouts) take different
    numbers: each holds an exclusive lock on a file named by the number, which the system
    releases when the process ends, however it ends.
    """
    if _claimed_redis:
        return next(iter(_claimed_redis))
    pool = ",".join(str(n) for n in redis_pool())
    locks = Path(tempfile.gettempdir()) / "django-pro-redis-databases"
    locks.mkdir(exist_ok=True)
    for number in redis_pool():
        handle = (locks / f"{number}.lock").open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _claimed_redis[number] = handle  # held open: the lock lasts as long as the process
        return number
    pytest.fail(
        f"every Redis database of {REDIS_DATABASES_VARIABLE}={pool} is in use", pytrace=False
    )


def redis_url() -> str:
    return f"redis://{LOOPBACK}:{REDIS_PORT}/{redis_database()}"


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for, user and system: what a
    piece of the suite costs whatever else the machine is running."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def record_timing(
    kind: str, what: str, seconds: float, test: str | None = None, cpu: float | None = None
) -> None:
    """One line of JSON for bench/suite_time.py, when DJANGO_PRO_TIMINGS names a file: a test
    phase (kind "test"), a whole test's CPU seconds (kind "cpu"), or a step inside the test
    running now (kind "step"), with its CPU seconds when given."""
    path = os.environ.get(TIMINGS_VARIABLE)
    if not path:
        return
    if test is None:  # "tests/x.py::test_y[id] (call)" while a test runs
        test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    record = {
        "kind": kind,
        "what": what,
        "seconds": round(seconds, 3),
        "test": test,
        "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "at": round(time.time(), 3),
    }
    if cpu is not None:
        record["cpu"] = round(cpu, 3)
    with open(path, "a") as timings:  # one short append per line: workers do not interleave
        timings.write(json.dumps(record) + "\n")


@dataclass
class Project:
    """A generated project and its own virtual environment."""

    combination: Combination
    path: Path
    answers: dict[str, Any]
    built: bool = False
    log: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.answers["project_slug"])

    def build(self) -> None:
        """uv sync from the project's own pyproject.toml (once)."""
        if self.built:
            return
        python = python_for(self.answers["python_version"])
        started, cpu = time.perf_counter(), cpu_seconds()
        self.run("uv", "sync", "--python", python, timeout=900)
        record_timing("step", "uv sync", time.perf_counter() - started, cpu=cpu_seconds() - cpu)
        self.built = True

    def run(
        self, *command: str, env: dict[str, str] | None = None, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project; fail the test with its output when it fails."""
        result = subprocess.run(
            command,
            cwd=self.path,
            env=clean_env(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.log.append(f"$ {' '.join(command)} -> {result.returncode}")
        if result.returncode != 0:
            pytest.fail(
                f"[{self.combination.id}] `{' '.join(command)}` exited {result.returncode}\n"
                f"--- stdout ---\n{result.stdout[-12000:]}\n"
                f"--- stderr ---\n{result.stderr[-6000:]}",
                pytrace=False,
            )
        return result

    def venv(self, *command: str, env: dict[str, str] | None = None, timeout: float = 900):
        """Run a command with the project's virtual environment first on PATH."""
        self.build()
        bin_dir = str(self.path / ".venv" / "bin")
        merged = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})}
        return self.run(*command, env=merged, timeout=timeout)

    def manage(self, *args: str, settings: str = "test", env: dict[str, str] | None = None):
        merged = {"DJANGO_SETTINGS_MODULE": f"config.settings.{settings}", **(env or {})}
        return self.venv("python", "manage.py", *args, env=merged)

    def postgres(self, *statements: str) -> None:
        """Run statements on the shared PostgreSQL's maintenance database, with the project's
        own psycopg (the template's environment has no database driver)."""
        script = (
            "import sys, psycopg\n"
            f"with psycopg.connect('postgresql://postgres@{LOOPBACK}:{POSTGRES_PORT}/postgres',"
            " autocommit=True) as connection:\n"
            "    for statement in sys.argv[1:]:\n"
            "        connection.execute(statement)\n"
        )
        self.venv("python", "-c", script, *statements)

    def drop_databases(self, *names: str) -> None:
        self.postgres(*(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in names))


def service_reachable(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (in CI) when a service the test needs is not answering."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if IS_CI:
        pytest.fail(f"{message} (CI=true: a service test must not be skipped)", pytrace=False)
    pytest.skip(f"{message}; start it to run this test")
