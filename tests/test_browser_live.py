"""Live notifications in a real browser: Debian's Chromium, driven headless by Playwright.

The Channels project is served as in production (compose.production.yaml, the Kubernetes
manifests): gunicorn (WSGI) for pages and static files, uvicorn (ASGI) for WebSockets, a proxy in
front that routes /ws/ to uvicorn, production settings (strict CSP, secure cookies), a Redis
channel layer shared by both servers (a throwaway redis-server on a free port) and a throwaway
SQLite database. The browser signs in through the admin's form, opens /notifications/, waits
for the page to show that its WebSocket is live, creates an item through the JSON API served by
gunicorn, and sees the notification appear on the open page without a reload and without any
Content-Security-Policy violation. The time from the write to the notification is printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api

from tests.harness import (
    LOOPBACK,
    Project,
    clean_env,
    combination_params,
    free_port,
    matrix_combination,
)
from tests.services import (
    gunicorn,
    http_get,
    private_redis,
    stop_process,
    wait_until,
)
from tests.test_browser import ADMIN_USER, chromium, create_admin, production_env

CHANNELS = matrix_combination(channels=True)  # the Channels-only project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params([CHANNELS])),
]


@contextlib.contextmanager
def uvicorn(project: Project, env: dict[str, str], workdir: Path) -> Iterator[int]:
    """The ASGI server as production runs it (compose.production.yaml's `asgi` command)."""
    port = free_port()
    log = workdir / "uvicorn.log"
    command = [str(project.path / ".venv" / "bin" / "uvicorn"), "config.asgi:application"]
    command += ["--host", LOOPBACK, "--port", str(port)]
    command += ["--proxy-headers", "--forwarded-allow-ips", LOOPBACK]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=project.path,
            env=clean_env(**env),
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
        yield port
    finally:
        stop_process(process)


@contextlib.contextmanager
def path_router(web_port: int, asgi_port: int) -> Iterator[int]:
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
        port = asgi_port if target and target[0].startswith(b"/ws/") else web_port
        try:
            upstream, upstream_writer = await asyncio.open_connection(LOOPBACK, port)
        except OSError:
            client_writer.close()
            return
        upstream_writer.write(request_line)
        await asyncio.gather(pipe(client, upstream_writer), pipe(upstream, client_writer))

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
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        asyncio.run_coroutine_threadsafe(close(server), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@dataclass
class Site:
    base_url: str
    password: str
    collection_id: int


@pytest.fixture
def served_live(projects, combination) -> Iterator[Site]:
    project = projects(combination)
    project.build()
    workdir = Path(tempfile.mkdtemp(prefix="django-pro-browser-live-"))
    with private_redis() as redis:
        # The channel layer both servers share (and the cache).
        env = production_env(project, workdir, DJANGO_ALLOWED_HOSTS=LOOPBACK, REDIS_URL=redis.url)
        password = create_admin(project, env)
        create_collection = (
            f"from {project.slug}.items import services; "
            f"from {project.slug}.users.models import User; "
            f"owner = User.objects.get(username='{ADMIN_USER}'); "
            "print(services.collection_create(owner=owner, name='Watched').pk)"
        )
        result = project.manage("shell", "-c", create_collection, settings="production", env=env)
        collection_id = int(result.stdout.split()[-1])
        with (
            gunicorn(project, env, workdir) as web,
            uvicorn(project, env, workdir) as asgi_port,
            path_router(web.port, asgi_port) as port,
        ):
            yield Site(f"http://{LOOPBACK}:{port}", password, collection_id)


def test_a_notification_appears_live_on_the_open_page_in_chromium(served_live, combination):
    site = served_live

    with chromium() as (browser, page, csp_violations):
        page.goto(site.base_url + "/admin/login/?next=/notifications/")
        page.fill("#id_username", ADMIN_USER)
        page.fill("#id_password", site.password)
        page.click("input[type=submit]")
        page.wait_for_url(site.base_url + "/notifications/")
        status = page.locator("#notifications-status")
        sync_api.expect(status).to_have_text("Live")  # the WebSocket is open
        # A mark on this very document: it is gone if anything reloads the page.
        page.evaluate("window.notificationsTestMark = true")

        name = f"Live item {secrets.token_hex(4)}"
        cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
        written = time.monotonic()
        response = page.context.request.post(
            site.base_url + "/items/",
            data={"collection": site.collection_id, "name": name, "price": "9.99"},
            headers={"X-CSRFToken": cookies["csrftoken"]},
        )
        assert response.status == 201, response.text()
        entry = page.locator("#notifications-list li", has_text=f'New item "{name}"')
        entry.wait_for()
        elapsed = time.monotonic() - written

        assert entry.count() == 1
        assert "Watched" in entry.inner_text()
        assert page.evaluate("window.notificationsTestMark") is True
        assert status.inner_text() == "Live"
        print(
            f"[{combination.id}] Chromium {browser.version}: signed in, WebSocket live, "
            f"item created over HTTP and shown on the open page {elapsed * 1000:.0f} ms "
            f"after the request was sent; CSP violations: {len(csp_violations)}"
        )

    assert not csp_violations, csp_violations
