"""With production settings, every response carries the browser-side protections.

Runs in the production probe's process (tests/probes.py), like test_settings.py, because
production settings are read once per process: HSTS, nosniff, a referrer policy,
X-Frame-Options and a strict Content-Security-Policy.
"""

import pytest

from ..probes import answers, part

part(
    "production",
    "security headers",
    """
from django.conf import settings
from django.test import Client

client = Client(headers={"host": "example.com"})
secure = client.get("/health/live/", secure=True)
plain = client.get("/")
answer = {
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "middleware": settings.MIDDLEWARE,
}
""",
    __name__,
)


@pytest.fixture(scope="module")
def production():
    return answers("production")["security headers"]


def test_plain_http_is_redirected_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://example.com/"


def test_transport_and_sniffing_headers(production):
    headers = production["headers"]
    assert production["status"] == 200
    hsts = [part.strip() for part in headers["Strict-Transport-Security"].split(";")]
    assert int(hsts[0].removeprefix("max-age=")) >= 60 * 60 * 24 * 365  # at least a year
    assert {"includeSubDomains", "preload"} <= set(hsts[1:])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_content_security_policy_is_strict(production):
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in production["headers"]["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


def test_lockout_middleware_stays_last_in_production(production):
    middleware = production["middleware"]
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    # The CSP middleware (django-csp's on Django 5.2, Django's own on 6) follows SecurityMiddleware.
    security = middleware.index("django.middleware.security.SecurityMiddleware")
    assert middleware[security + 1].endswith(("CSPMiddleware", "ContentSecurityPolicyMiddleware"))
