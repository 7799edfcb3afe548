"""A generated project served as its README says for production, for clients that nobody here
wrote: gunicorn for HTTP, uvicorn for WebSockets (with the Channels layer), a fresh database on
the shared PostgreSQL, a private Redis (redis-server on a free port) when a layer needs one, and
production settings over plain HTTP on loopback.

Production cookies are Secure: a client on plain HTTP must send them itself (a browser does so
for 127.0.0.1, which it trusts; httpx, gql and websockets do not), so `Session.cookie` is a
`Cookie` header's value.

`path_router` is the proxy in front, reduced to routing /ws/ to uvicorn, for a browser that
reaches both servers through one origin.

(Shared by tests/test_clients.py, tests/layers/test_drf_fuzz.py and tests/test_browser_live.py;
it belongs in tests/services.py once the harness work on that file has landed.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import secrets
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.harness import LOOPBACK, POSTGRES_PORT, Project, clean_env, require_service
from tests.services import (
    PrivateRedis,
    Server,
    free_port,
    gunicorn,
    http_get,
    private_redis,
    stop_process,
    wait_until,
)

# Throttling is tested by the project's own suite; clients here would only meet 429s.
GENEROUS_RATE = "100000/minute"


@dataclass
class Asgi:
    port: int
    log: Path

    @property
    def ws_url(self) -> str:
        return f"ws://{LOOPBACK}:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def uvicorn(
    project: Project, env: dict[str, str], workdir: Path, workers: int = 1
) -> Iterator[Asgi]:
    """The ASGI server as production runs it (the README's and compose.production.yaml's
    command). With several workers they add up their metrics in a directory of their own."""
    port = free_port()
    log = workdir / "uvicorn.log"
    command = [str(project.path / ".venv" / "bin" / "uvicorn"), "config.asgi:application"]
    command += ["--host", LOOPBACK, "--port", str(port), "--lifespan", "off"]
    command += ["--proxy-headers", "--forwarded-allow-ips", LOOPBACK]
    extra = {}
    if workers > 1:
        command += ["--workers", str(workers)]
        extra["PROMETHEUS_MULTIPROC_DIR"] = str(workdir / "prometheus-asgi")
        Path(extra["PROMETHEUS_MULTIPROC_DIR"]).mkdir(exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=project.path,
            env=clean_env(**env, **extra),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(
            lambda: (
                process.poll() is not None
                or http_get(f"http://{LOOPBACK}:{port}/health/live/").status == 200
            ),
            60,
            "uvicorn to answer /health/live/",
        )
        if process.poll() is not None:
            log_text = log.read_text(errors="replace")[-5000:]
            pytest.fail(f"uvicorn exited {process.returncode}:\n{log_text}")
        yield Asgi(port, log)
    finally:
        stop_process(process)


@dataclass
class Router:
    """A loopback port in front of both servers, and the WebSocket connections through it."""

    port: int
    loop: asyncio.AbstractEventLoop
    sockets: set[asyncio.StreamWriter] = field(default_factory=set)

    def drop_sockets(self) -> None:
        """Cut every WebSocket's TCP connection at once, without a close frame, as a proxy that
        restarts or a network that fails does."""

        def abort() -> None:
            for writer in list(self.sockets):
                writer.transport.abort()

        self.loop.call_soon_threadsafe(abort)


@contextlib.contextmanager
def path_router(web_port: int, asgi_port: int) -> Iterator[Router]:
    """The proxy in front, reduced to its routing: a loopback port whose connections go to the
    ASGI server when their first request is for /ws/, and to gunicorn otherwise.

    Routing whole connections is enough here: a browser opens a connection of its own for each
    WebSocket, and never sends an HTTP request on it afterwards.
    """

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def handle(client: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        request_line = await client.readline()
        target = request_line.split(b" ")[1:2]
        websocket = bool(target) and target[0].startswith(b"/ws/")
        try:
            upstream, upstream_writer = await asyncio.open_connection(
                LOOPBACK, asgi_port if websocket else web_port
            )
        except OSError:
            client_writer.close()
            return
        if websocket:
            router.sockets |= {client_writer, upstream_writer}
        upstream_writer.write(request_line)
        try:
            await asyncio.gather(pipe(client, upstream_writer), pipe(upstream, client_writer))
        finally:
            router.sockets -= {client_writer, upstream_writer}

    async def close(server: asyncio.Server) -> None:
        server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(
        asyncio.start_server(handle, LOOPBACK, 0), loop
    ).result(10)
    router = Router(server.sockets[0].getsockname()[1], loop)
    try:
        yield router
    finally:
        asyncio.run_coroutine_threadsafe(close(server), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@dataclass
class Site:
    """A served project: its HTTP server, its ASGI server (with Channels), its Redis."""

    project: Project
    env: dict[str, str]
    workdir: Path
    http: Server
    asgi: Asgi | None
    redis: PrivateRedis | None
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.http.base_url

    @property
    def metrics_token(self) -> str:
        return self.env["METRICS_TOKEN"]

    def manage_shell(self, code: str) -> str:
        result = self.project.manage("shell", "-c", code, settings="production", env=self.env)
        return result.stdout


@contextlib.contextmanager
def served(
    project: Project,
    *,
    database: str,
    users: list[str],
    asgi_workers: int = 0,
    redis: bool = False,
    **extra_env: str,
) -> Iterator[Site]:
    """Serve `project` over a fresh PostgreSQL database named `database` (tests.harness
    database_name(), so parallel runs never meet) with `users` made (each
    with a collection), gunicorn always, uvicorn with `asgi_workers` workers if any, and a
    private Redis (REDIS_URL: cache, channel layer, Celery's broker) if asked."""
    require_service("PostgreSQL", LOOPBACK, POSTGRES_PORT)
    project.build()
    workdir = Path(tempfile.mkdtemp(prefix=f"django-pro-{database}-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": LOOPBACK,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@{LOOPBACK}:{POSTGRES_PORT}/{database}",
        "API_THROTTLE_ANON": GENEROUS_RATE,
        "API_THROTTLE_USER": GENEROUS_RATE,
        "API_THROTTLE_AUTH": GENEROUS_RATE,
        "JWT_ACCESS_TOKEN_MINUTES": "60",
        "METRICS_TOKEN": secrets.token_urlsafe(24),
        "WEB_CONCURRENCY": "1",
        **extra_env,
    }
    project.drop_databases(database)
    project.postgres(f"CREATE DATABASE {database}")
    with contextlib.ExitStack() as stack:
        stack.callback(project.drop_databases, database)
        private = stack.enter_context(private_redis()) if redis else None
        if private is not None:
            env["REDIS_URL"] = private.url
        # Pages (the login form) name their static files through the collected manifest.
        project.manage("collectstatic", "--noinput", settings="production", env=env)
        project.manage("migrate", "--noinput", settings="production", env=env)
        passwords = {name: secrets.token_urlsafe(16) for name in users}
        project.manage(
            "shell", "-c", seed_script(project, passwords), settings="production", env=env
        )
        http = stack.enter_context(gunicorn(project, env, workdir))
        asgi = (
            stack.enter_context(uvicorn(project, env, workdir, asgi_workers))
            if asgi_workers
            else None
        )
        yield Site(project, env, workdir, http, asgi, private, passwords)


def seed_script(project: Project, passwords: dict[str, str]) -> str:
    return (
        f"from {project.slug}.items import services\n"
        f"from {project.slug}.users.models import User\n"
        f"for name, password in {passwords!r}.items():\n"
        "    user = User.objects.create_user(name, f'{name}@example.com', password)\n"
        "    services.collection_create(owner=user, name=f'{name} collection')\n"
    )


@dataclass
class Session:
    """A signed-in user as REST, GraphQL and WebSocket clients present themselves."""

    token: str  # JWT access token: `Authorization: Bearer <token>` for the REST API
    session_id: str  # Django's session, for GraphQL and the WebSockets
    csrf_token: str  # echoed in X-CSRFToken on GraphQL POSTs

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session_id}; csrftoken={self.csrf_token}"


def sign_in(site: Site, username: str) -> Session:
    """The one place the clients sign in: a JWT from POST /api/v1/auth/token/, and a session
    from the REST framework's login form (POST /api/auth/login/)."""
    password = site.passwords[username]
    answer = post_json(
        site.base_url + "/api/v1/auth/token/", {"username": username, "password": password}
    )
    form = urllib.request.urlopen(site.base_url + "/api/auth/login/", timeout=15)
    csrf_cookie = cookies_of(form)["csrftoken"]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.read().decode())
    assert form_token, "no CSRF token in the login form"
    login = urllib.request.Request(
        site.base_url + "/api/auth/login/",
        data=urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": form_token[1]}
        ).encode(),
        headers={"Cookie": f"csrftoken={csrf_cookie}"},
    )
    with NoRedirects().open(login, timeout=15) as signed_in:
        assert signed_in.getcode() == 302, signed_in.read()[:500]
        cookies = cookies_of(signed_in)
    return Session(str(answer["access"]), cookies["sessionid"], cookies["csrftoken"])


def post_json(url: str, body: object) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=15) as answer:
        parsed: dict[str, object] = json.load(answer)
        return parsed


def cookies_of(response) -> dict[str, str]:
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class NoRedirects:
    """urllib without following redirects: a login's 302 carries the cookies to read."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(_KeepRedirect)

    def open(self, request: urllib.request.Request, timeout: float):
        try:
            return self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303):
                return error
            raise


def terminate(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process and, with it, the group it leads (a Celery worker's pool)."""
    if process is None:
        return
    stop_process(process, grace=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 9)
