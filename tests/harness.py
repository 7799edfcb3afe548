"""The template's test harness: combinations, generated projects and their environments.

A combination is one answer to the five layer questions, on one Django line. Each is generated
once per test session (per xdist worker), gets its own uv virtual environment built from its own
pyproject.toml, and every check on it reuses both; tests/test_matrix.py groups a combination's
checks on one worker so the build happens once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import sys
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


def combination_params(combinations: list[Combination] = ALL_COMBINATIONS) -> list[Any]:
    """pytest params named by combination, each pinned to one xdist worker (its group)."""
    return [pytest.param(c, id=c.id, marks=pytest.mark.xdist_group(c.id)) for c in combinations]


def python_for(version: str) -> str:
    """The interpreter of a Python version: uv may not download one here, so name it."""
    candidates = sorted(PYTHON_ROOT.glob(f"{version}.*/bin/python{version}"))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(f"python{version}")
    if found:
        return found
    pytest.fail(f"Python {version} is not installed (looked in {PYTHON_ROOT} and on PATH)")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a generated project's commands, without the harness's own settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_", "COV_", "VIRTUAL_ENV", "UV_PROJECT"))
        and key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PYTHONPATH"}
    }
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


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
        self.run("uv", "sync", "--python", python, timeout=900)
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


def worker_number() -> int:
    """0 for the main process, n+1 for xdist worker gw<n>: used to keep Redis databases apart."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) + 1 if worker.startswith("gw") else 0


def python_executable() -> str:
    return sys.executable
