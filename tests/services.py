"""Private services on loopback for fault and browser tests: PostgreSQL, Redis and gunicorn.

The shared PostgreSQL and Redis serve other tests running in parallel, so a test that stops a
service starts its own on a free loopback port, in a temporary directory, and removes it after.
Every wait is bounded; every process is stopped when its context ends, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import pytest

from tests.harness import IS_CI, LOOPBACK, Project, clean_env, free_port, require_service


def need_binary(name: str, *candidates: str) -> str:
    """The path of a program; skip without it locally, fail without it in CI."""
    for candidate in (*candidates, shutil.which(name)):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    message = f"{name} is not installed"
    if IS_CI:
        pytest.fail(f"{message} (CI=true: this test must run)", pytrace=False)
    pytest.skip(f"{message}; install it to run this test")


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Poll `condition` until it holds; fail after `seconds`. Returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}", pytrace=False)


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=0.5):
        return True
    return False


def stop_process(process: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class Response:
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    headers: dict[str, str]
    body: str


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 15) -> Response:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Response(answer.status, dict(answer.headers), answer.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read().decode(errors="replace"))
    except (OSError, TimeoutError) as error:
        return Response(0, {}, repr(error))


@dataclass
class PrivateRedis:
    """redis-server on a free loopback port, without persistence; stop() and start() at will."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        binary = need_binary("redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                LOOPBACK,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), 15, f"Redis on port {self.port}")

    def stop(self) -> None:
        stop_process(self.process)
        wait_until(lambda: not port_open(self.port), 15, f"Redis on {self.port} to stop")


@dataclass
class PrivatePostgres:
    """A throwaway PostgreSQL cluster (initdb) in a temporary directory, on a free port."""

    port: int = field(default_factory=free_port)
    directory: Path | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@{LOOPBACK}:{self.port}/app"

    def _run(self, tool: str, *args: str, timeout: float = 60) -> None:
        binary = need_binary(tool, *sorted(glob(f"/usr/lib/postgresql/*/bin/{tool}"))[-1:])
        # PostgreSQL refuses to run as root: run its tools as the postgres user then.
        prefix = [need_binary("runuser"), "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, binary, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"{tool} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def create(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="django-pro-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "--encoding=UTF8",
        )
        self.start()
        self._run("createdb", "-h", LOOPBACK, "-p", str(self.port), "-U", "postgres", "app")

    def start(self) -> None:
        assert self.directory is not None
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses={LOOPBACK} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "-l",
            str(self.directory / "server.log"),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        assert self.directory is not None
        self._run(
            "pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "-t", "30", "stop"
        )

    def destroy(self) -> None:
        if self.directory is None:
            return
        if (self.directory / "data" / "postmaster.pid").exists():
            with contextlib.suppress(BaseException):
                self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    try:
        redis.start()
        yield redis
    finally:
        stop_process(redis.process)


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    postgres = PrivatePostgres()
    try:
        postgres.create()
        yield postgres
    finally:
        postgres.destroy()


# The shared RabbitMQ: never stopped. A test that takes it away cuts a proxy in front of it
# (tests/proxy.py) and keeps its messages in a virtual host of its own.
RABBITMQ_PORT = 5672


@dataclass
class RabbitVhost:
    """A virtual host on the shared RabbitMQ, for guest: its queues are nobody else's."""

    name: str

    def url(self, port: int = RABBITMQ_PORT) -> str:
        return f"amqp://guest:guest@{LOOPBACK}:{port}/{self.name}"

    def queued(self) -> dict[str, int]:
        """Messages ready or unacknowledged, by queue."""
        listed = rabbitmqctl(
            "list_queues", "-p", self.name, "--no-table-headers", "name", "messages"
        )
        return {
            name: int(count)
            for name, count in (line.split("\t") for line in listed.splitlines() if "\t" in line)
        }


def rabbitmqctl(*args: str) -> str:
    binary = need_binary("rabbitmqctl", "/usr/sbin/rabbitmqctl")
    result = subprocess.run(
        [binary, "--quiet", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"rabbitmqctl {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def rabbitmq_vhost(prefix: str) -> Iterator[RabbitVhost]:
    """A fresh virtual host on the shared RabbitMQ (fails in CI when it is not reachable),
    deleted with everything in it afterwards."""
    require_service("RabbitMQ", LOOPBACK, RABBITMQ_PORT)
    vhost = RabbitVhost(f"{prefix}-{os.getpid()}-{int(time.time())}")
    rabbitmqctl("add_vhost", vhost.name)
    try:
        rabbitmqctl("set_permissions", "-p", vhost.name, "guest", ".*", ".*", ".*")
        yield vhost
    finally:
        rabbitmqctl("delete_vhost", vhost.name)


@dataclass
class CeleryWorker:
    command: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def celery_worker(
    project: Project, command: str, env: dict[str, str], workdir: Path
) -> Iterator[CeleryWorker]:
    """Run `command` (the README's worker command) in the project until the context ends; it is
    ready once it logs that it is."""
    log = workdir / "worker.log"
    environment = clean_env(
        PATH=f"{project.path / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        CELERY_METRICS_PORT=str(free_port()),
        CELERY_METRICS_ADDR=LOOPBACK,
        **env,
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            shlex.split(command),
            cwd=project.path,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = CeleryWorker(command, process, log)
    try:
        wait_until(
            lambda: process.poll() is not None or " ready." in worker.log_text(),
            90,
            f"`{command}` to be ready",
        )
        if process.poll() is not None:
            pytest.fail(f"the worker exited {process.returncode}:\n{worker.log_text()[-5000:]}")
        yield worker
    finally:
        stop_process(process, grace=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Server:
    """The generated project served by gunicorn (config/gunicorn.py) on a loopback port."""

    port: int
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def get(self, path: str, **headers: str) -> Response:
        return http_get(self.base_url + path, headers)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def gunicorn(project: Project, env: dict[str, str], workdir: Path) -> Iterator[Server]:
    """Serve `project` with its own gunicorn config; `env` adds settings (DATABASE_URL, ...)."""
    port = free_port()
    log = workdir / "gunicorn.log"
    environment = clean_env(
        PATH=f"{project.path / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        GUNICORN_BIND=f"{LOOPBACK}:{port}",
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "prometheus"),
        **env,
    )
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(project.path / ".venv" / "bin" / "gunicorn"),
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
            ],
            cwd=project.path,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, log, process)
    try:
        wait_until(
            lambda: process.poll() is not None or server.get("/health/live/").status == 200,
            60,
            "gunicorn to answer /health/live/",
        )
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited {process.returncode}:\n{server.log_text()[-5000:]}")
        yield server
    finally:
        stop_process(process, grace=35)
