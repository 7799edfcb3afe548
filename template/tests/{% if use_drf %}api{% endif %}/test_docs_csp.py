"""Swagger UI and Redoc under production settings: the strict CSP, plus exactly what they need.

Runs in the production probe's process (tests/probes.py), like
tests/config/test_security_headers.py, because production settings are read once per process.
The pages must load everything from this origin and run no inline script; their policy is the
project's, widened only as core/api/docs.py says.
"""

import re

import pytest

from ..probes import answers, part

PATHS = ("/health/live/", "/api/docs/", "/api/docs/?script", "/api/redoc/")
part(
    "production",
    "api docs",
    f"PATHS = {PATHS!r}\n"
    """
from django.test import Client, override_settings

# Production's manifest storage needs collectstatic; the pages' static URLs do not matter here.
storages = dict(
    default=dict(BACKEND="django.core.files.storage.FileSystemStorage"),
    staticfiles=dict(BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage"),
)
with override_settings(STORAGES=storages):
    client = Client(headers=dict(host="example.com"))
    answers = [(path, client.get(path, secure=True)) for path in PATHS]
answer = {
    path: dict(
        status=page.status_code,
        type=page.get("Content-Type", ""),
        policy=page.get("Content-Security-Policy", ""),
        body=page.content.decode(),
    )
    for path, page in answers
}
""",
    __name__,
)


@pytest.fixture(scope="module")
def pages():
    return answers("production")["api docs"]


def policy(page) -> dict[str, list[str]]:
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in page["policy"].split(";")
        if directive.strip()
    }


def test_every_page_is_served(pages):
    for path in PATHS:
        assert pages[path]["status"] == 200, (path, pages[path]["body"][:2000])
    assert pages["/api/docs/"]["type"].startswith("text/html")
    assert pages["/api/docs/?script"]["type"].startswith("application/javascript")
    assert pages["/api/redoc/"]["type"].startswith("text/html")


def test_swagger_ui_adds_only_inline_styles_to_the_policy(pages):
    base = policy(pages["/health/live/"])
    assert policy(pages["/api/docs/"]) == {
        **base,
        "style-src": [*base["style-src"], "'unsafe-inline'"],
    }


def test_redoc_adds_only_inline_styles_and_blob_workers_to_the_policy(pages):
    base = policy(pages["/health/live/"])
    assert "worker-src" not in base
    assert policy(pages["/api/redoc/"]) == {
        **base,
        "style-src": [*base["style-src"], "'unsafe-inline'"],
        "worker-src": ["blob:"],
    }


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_pages_load_everything_from_this_origin_and_run_no_inline_script(pages, path):
    body = pages[path]["body"]
    assert policy(pages[path])["script-src"] == ["'self'"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), body
    assert "http://" not in body
    assert "https://" not in body
    assert "/static/drf_spectacular_sidecar/" in body
