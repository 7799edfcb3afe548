"""Live notifications in a real browser: Debian's Chromium, driven headless by Playwright.

The Channels project is served as in production (compose.production.yaml, the Kubernetes
manifests): gunicorn (WSGI) for pages and static files, uvicorn (ASGI) for WebSockets, a proxy in
front that routes /ws/ to uvicorn, production settings (strict CSP, secure cookies), a Redis
channel layer shared by both servers (a throwaway redis-server on a free port) and a throwaway
SQLite database. The browser opens /notifications/, is sent to the account sign-in, signs in
by e-mail, comes back, waits for the page to show that its WebSocket is live, creates an item
through the JSON API served by gunicorn, and sees the notification appear on the open page
without a reload and without any Content-Security-Policy violation. The time from the write to
the notification is printed.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api

from tests.harness import combination_params, matrix_combination
from tests.services import LOOPBACK, gunicorn, private_redis
from tests.serving import path_router, uvicorn
from tests.test_browser import chromium, production_env

CHANNELS = matrix_combination(channels=True)  # the Channels-only project
WATCHER = "watcher@example.com"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("combination", combination_params([CHANNELS])),
]


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
        # A user as the project's own service makes one (its address confirmed), who signs in
        # on the account pages.
        password = secrets.token_urlsafe(16)
        create_collection = (
            f"from {project.slug}.items import services; "
            f"from {project.slug}.users.services import user_create; "
            f"owner = user_create(username='watcher', email='{WATCHER}', password='{password}'); "
            "print(services.collection_create(owner=owner, name='Watched').pk)"
        )
        result = project.manage("shell", "-c", create_collection, settings="production", env=env)
        collection_id = int(result.stdout.split()[-1])
        with (
            gunicorn(project, env, workdir) as web,
            uvicorn(project, env, workdir) as asgi,
            path_router(web.port, asgi.port) as router,
        ):
            yield Site(f"http://{LOOPBACK}:{router.port}", password, collection_id)


def test_a_notification_appears_live_on_the_open_page_in_chromium(served_live, combination):
    site = served_live

    with chromium() as (browser, page, csp_violations):
        # A visitor is sent to the account sign-in, and back once signed in by e-mail.
        page.goto(site.base_url + "/notifications/")
        page.wait_for_url(site.base_url + "/accounts/login/?next=/notifications/")
        page.fill("input[name=login]", WATCHER)
        page.fill("input[name=password]", site.password)
        page.click("main form button[type=submit]")
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
