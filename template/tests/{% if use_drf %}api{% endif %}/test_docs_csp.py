"""Swagger UI and Redoc under production settings: the strict CSP, plus exactly what they need.

Runs in a subprocess, like tests/config/test_security_headers.py, because production settings
are read once per process. The pages must load everything from this origin and run no inline
script; their policy is the project's, widened only as core/api/docs.py says.
"""

import json
import re

import pytest

from ..config.test_settings import REQUIRED, manage

PATHS = ("/health/live/", "/api/docs/", "/api/docs/?script", "/api/redoc/")
PROBE = """
import json
import os
from django.test import Client, override_settings

# Production's manifest storage needs collectstatic; the pages' static URLs do not matter here.
storages = dict(
    default=dict(BACKEND="django.core.files.storage.FileSystemStorage"),
    staticfiles=dict(BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage"),
)
with override_settings(STORAGES=storages):
    client = Client(headers=dict(host="example.com"))
    answers = [(path, client.get(path, secure=True)) for path in os.environ["PROBE_PATHS"].split()]
pages = [
    (
        path,
        dict(
            status=answer.status_code,
            type=answer.get("Content-Type", ""),
            policy=answer.get("Content-Security-Policy", ""),
            body=answer.content.decode(),
        ),
    )
    for path, answer in answers
]
print(json.dumps(dict(pages)))
"""


@pytest.fixture(scope="module")
def pages():
    result = manage("shell", "-c", PROBE, PROBE_PATHS=" ".join(PATHS), **REQUIRED)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


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
