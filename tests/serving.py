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
import mailbox
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
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.harness import LOOPBACK, POSTGRES_PORT, Project, clean_env, require_service
from tests.services import (
    PrivateRedis,
    Server,
    free_port,
    gunicorn,
    http_get,
    port_open,
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
    mail: MailCatcher | None = None

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
        mail = stack.enter_context(mail_catcher(project, workdir))
        env.update(mail.env)
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
        yield Site(project, env, workdir, http, asgi, private, passwords, mail)


@dataclass
class MailCatcher:
    """An SMTP server on loopback that the project sends its mail to, as production sends to a
    relay (STARTTLS included), keeping each message in a maildir."""

    env: dict[str, str]
    maildir: Path

    def messages_to(self, address: str) -> list[EmailMessage]:
        box = mailbox.Maildir(self.maildir, factory=None, create=False)
        parsed = [
            message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.iterkeys()
        ]
        return [message for message in parsed if message["To"] == address]

    def link_to(self, address: str) -> str:
        """The one link of the last message sent to `address`, waiting for it to arrive."""
        wait_until(lambda: self.messages_to(address), 30, f"a mail to {address}")
        text = self.messages_to(address)[-1].get_body(preferencelist=("plain",))
        assert text is not None
        [url] = re.findall(r"https?://\S+", text.get_content())
        return str(url)


@contextlib.contextmanager
def mail_catcher(project: Project, workdir: Path) -> Iterator[MailCatcher]:
    """aiosmtpd (a development dependency of every generated project) with STARTTLS, its
    certificate made here for 127.0.0.1 and trusted by the project through SSL_CERT_FILE."""
    cert, key, maildir = workdir / "smtp-cert.pem", workdir / "smtp-key.pem", workdir / "mail"
    openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    openssl += ["-keyout", str(key), "-out", str(cert), "-subj", f"/CN={LOOPBACK}"]
    openssl += ["-addext", f"subjectAltName=IP:{LOOPBACK}"]
    subprocess.run(openssl, check=True, capture_output=True)
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True)
    port = free_port()
    command = [str(project.path / ".venv" / "bin" / "python"), "-m", "aiosmtpd", "-n"]
    command += ["-l", f"{LOOPBACK}:{port}", "--tlscert", str(cert), "--tlskey", str(key)]
    command += ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    with (workdir / "smtp.log").open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until(lambda: port_open(port), 30, "the SMTP server to listen")
        env = {
            "DJANGO_EMAIL_HOST": LOOPBACK,
            "DJANGO_EMAIL_PORT": str(port),
            "SSL_CERT_FILE": str(cert),
        }
        yield MailCatcher(env, maildir)
    finally:
        stop_process(process)


def seed_script(project: Project, passwords: dict[str, str]) -> str:
    # user_create() vouches for each address (a confirmed EmailAddress), so they sign in by
    # e-mail at once, as the project's own users made by staff do.
    return (
        f"from {project.slug}.items import services\n"
        f"from {project.slug}.users.services import user_create\n"
        f"for name, password in {passwords!r}.items():\n"
        "    user = user_create(username=name, email=f'{name}@example.com', password=password)\n"
        "    services.collection_create(owner=user, name=f'{name} collection')\n"
    )


def email_of(username: str) -> str:
    return f"{username}@example.com"


@dataclass
class Session:
    """A signed-in user as clients present themselves: API clients with the one token, browsers
    with their session."""

    token: str  # the JWT access token: `Authorization: Bearer <token>` on /api/v1/, /graphql/
    refresh_token: str
    session_id: str  # Django's session, for browsers' GraphQL and WebSockets
    csrf_token: str  # echoed in X-CSRFToken on a browser's POSTs

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session_id}; csrftoken={self.csrf_token}"


APP_API = "/_allauth/app/v1"
BROWSER_API = "/_allauth/browser/v1"


def sign_in(site: Site, username: str) -> Session:
    """The one place the clients sign in, the way the project's docs tell its clients to: an API
    client through allauth's headless API for apps (its answer carries the access token), a
    browser through the headless API for browsers (GET /csrf/, then a POST that sets the
    session cookie). Both by e-mail address and password."""
    credentials = {"email": email_of(username), "password": site.passwords[username]}
    answer = post_json(site.base_url + APP_API + "/auth/login", credentials)
    meta = answer["meta"]
    assert isinstance(meta, dict) and meta.get("is_authenticated"), answer
    session_id, csrf_token = browser_sign_in(site, credentials)
    return Session(str(meta["access_token"]), str(meta["refresh_token"]), session_id, csrf_token)


def browser_sign_in(site: Site, credentials: dict[str, str]) -> tuple[str, str]:
    """A browser's session cookie and CSRF token, signed in through /_allauth/browser/v1/."""
    with urllib.request.urlopen(site.base_url + "/csrf/", timeout=15) as first:
        csrf_token = cookies_of(first)["csrftoken"]
    login = urllib.request.Request(
        site.base_url + BROWSER_API + "/auth/login",
        data=json.dumps(credentials).encode(),
        headers={
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={csrf_token}",
            "X-CSRFToken": csrf_token,
            # Django checks a secure request's Referer; over plain HTTP the Origin is enough.
            "Origin": site.base_url,
        },
    )
    with urllib.request.urlopen(login, timeout=15) as signed_in:
        assert signed_in.getcode() == 200, signed_in.read()[:500]
        cookies = cookies_of(signed_in)
    # Signing in rotates the CSRF token when Django sends a new cookie.
    return cookies["sessionid"], cookies.get("csrftoken", csrf_token)


def request_json(
    url: str, body: object | None = None, **headers: str
) -> tuple[int, dict[str, Any]]:
    """POST `body` as JSON (or a bodiless POST); the status and the JSON answer, 4xx included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            return answer.getcode(), json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


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


def terminate(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process and, with it, the group it leads (a Celery worker's pool)."""
    if process is None:
        return
    stop_process(process, grace=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 9)


@contextlib.contextmanager
def rates_upstream() -> Iterator[str]:
    """The exchange-rate service a reprice asks, on a loopback port."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"rates": {"USD": 1.5, "EUR": 1}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}/latest"
    finally:
        server.shutdown()
        server.server_close()


def readme_worker_command(project: Project) -> str:
    """The worker command of the generated README, verbatim (without its comment)."""
    for line in (project.path / "README.md").read_text().splitlines():
        if line.startswith("uv run celery -A config worker"):
            return line.split("#")[0].strip()
    pytest.fail("the README gives no worker command")
