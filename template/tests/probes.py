"""Processes that tests read settings from, each started once and early.

Django reads its settings once per process, so a test of production or local settings runs them
in a process of its own, and each such process spends a second or more starting Django. Test
modules add their part to a named probe when they are imported; one process runs every part of a
probe, and starts as soon as the tests that read it are collected (tests/conftest.py), so it runs
while the other tests do. A part is Python code that sets `answer`; the tests read each part's
answer, and the process's output and exit status.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import environ

PROJECT = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # several Django processes starting at once on a busy CI machine

# Runs the parts in turn, each in a namespace of its own, then prints every answer on one line.
# It runs below the test run's priority: the tests need an answer only once they read it, so
# until then a probe takes the CPU the test run leaves, instead of a share of the test run's own
# (a new project's first `uv run pytest` on 2 cores: 8.5 s with the probes at its priority, 7.5 s
# below it).
RUNNER = """
import json, os
if hasattr(os, "nice"):  # POSIX
    os.nice(10)
ANSWERS = {}
for NAME, CODE in json.loads(%r).items():
    namespace = {"__name__": "probe"}
    exec(compile(CODE, NAME, "exec"), namespace)
    ANSWERS[NAME] = namespace["answer"]
print(json.dumps(ANSWERS))
"""


@dataclass
class Answers:
    returncode: int
    stdout: str
    stderr: str

    def __getitem__(self, part: str) -> Any:
        """What `part` set as its answer (the last line of output holds them all)."""
        assert self.returncode == 0, self.stderr
        return json.loads(self.stdout.strip().splitlines()[-1])[part]


@dataclass
class Probe:
    """`python <arguments> <the runner>` in PROJECT, with `environment` added to the tests' own."""

    arguments: tuple[str, ...]
    environment: dict[str, str]
    parts: dict[str, str] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    process: subprocess.Popen[bytes] | None = None
    output: tuple[IO[bytes], IO[bytes]] | None = None
    answers: Answers | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        environment = {key: value for key, value in os.environ.items() if not unset(key)}
        environment.update(self.environment)
        # Files, not pipes: a process nobody reads yet never blocks on a full pipe. read() closes
        # them.
        self.output = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115
        runner = RUNNER % json.dumps(self.parts)
        self.process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [sys.executable, *self.arguments, runner],
            cwd=PROJECT,
            env=environment,
            stdout=self.output[0],
            stderr=self.output[1],
        )

    def result(self) -> Answers:
        if self.answers is None:
            self.start()
            assert self.process is not None
            assert self.output is not None
            returncode = self.process.wait(timeout=TIMEOUT)
            stdout, stderr = (read(output) for output in self.output)
            self.answers = Answers(returncode, stdout, stderr)
        return self.answers

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def unset(key: str) -> bool:
    """What the test run's environment must not pass on: its settings module, its database and
    its coverage hooks."""
    return key.startswith(("DJANGO_", "COV_")) or key == "DATABASE_URL"


def read(output: IO[bytes]) -> str:
    output.seek(0)
    text = output.read().decode(errors="replace")
    output.close()
    return text


class _ExampleEnvironment(environ.Env):
    ENVIRON: dict[str, str] = {}  # read_env fills this instead of os.environ


def example_environment() -> dict[str, str]:
    """What .env.example sets, read as config/settings/base.py reads a .env copied from it."""
    _ExampleEnvironment.read_env(PROJECT / ".env.example")
    return dict(_ExampleEnvironment.ENVIRON)


# The variables production settings require.
REQUIRED = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # made per run: no key lives in the code
    "DJANGO_ALLOWED_HOSTS": "example.com",
}

PROBES = {
    # Production settings with the variables they require, through `manage.py shell`.
    "production": Probe(
        ("manage.py", "shell", "-c"),
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **REQUIRED,
            # Production requires verified addresses whatever this says.
            "ACCOUNT_EMAIL_VERIFICATION": "none",
        },
    ),
    # Settings modules imported afresh under several environments, without starting Django.
    "settings": Probe(("-c",), {}),
    # Local settings as a new user first runs them: after `cp .env.example .env`.
    "local": Probe(
        ("-c",), {"DJANGO_SETTINGS_MODULE": "config.settings.local", **example_environment()}
    ),
}


def part(probe: str, name: str, code: str, module: str) -> None:
    """Add `code` to `probe` as part `name`, read by the tests of `module`."""
    PROBES[probe].parts[name] = code
    PROBES[probe].modules.add(module)


def answers(probe: str) -> Answers:
    return PROBES[probe].result()
