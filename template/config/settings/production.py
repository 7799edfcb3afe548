"""Production settings: required secrets, HTTPS everywhere, a strict CSP, JSON logs.

DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must be set; without them the process refuses to
start with an error that names the missing variable. `manage.py check --deploy` is clean here.
"""

import os
from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured
from split_settings.tools import include, optional

from config.layers import LAYERS
from config.settings.base import *  # noqa: F403
from config.settings.base import LOGGING, MIDDLEWARE, env
from config.settings.csp import *  # noqa: F403
from config.settings.csp import with_csp_middleware
from config.settings.mail import mail_settings

DEBUG = False
SECRET_KEY: str = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# HTTPS: TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes reach the pods over plain HTTP inside the cluster.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: the strict policy of config/settings/csp.py. A layer that serves a UI
# of its own widens it for those views only.
MIDDLEWARE = with_csp_middleware(MIDDLEWARE)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail: plain SMTP (DJANGO_EMAIL_HOST, ...) unless DJANGO_EMAIL_PROVIDER names an Anymail
# provider (mailgun, postmark, amazon_ses, sendgrid, brevo, ...): then every ANYMAIL_<NAME>
# variable becomes ANYMAIL["<NAME>"] (ANYMAIL_MAILGUN_API_KEY, ...). No credential in a file.
EMAIL_PROVIDER: str = env("DJANGO_EMAIL_PROVIDER", default="smtp")
if EMAIL_PROVIDER == "smtp":
    globals().update(
        mail_settings(
            "smtp",
            host=env("DJANGO_EMAIL_HOST", default="localhost"),
            port=env.int("DJANGO_EMAIL_PORT", default=587),
            username=env("DJANGO_EMAIL_HOST_USER", default=""),
            password=env("DJANGO_EMAIL_HOST_PASSWORD", default=""),
            use_tls=env.bool("DJANGO_EMAIL_USE_TLS", default=True),
        )
    )
else:
    if find_spec(f"anymail.backends.{EMAIL_PROVIDER}") is None:
        raise ImproperlyConfigured(
            f"DJANGO_EMAIL_PROVIDER={EMAIL_PROVIDER!r} is not an Anymail provider "
            "(https://anymail.dev/en/stable/esps/), nor smtp"
        )
    globals().update(mail_settings(f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"))
    ANYMAIL = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_")
    }
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts: nobody signs in before confirming their address (not configurable here), and the
# links mailed to them are https.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

LOG_FORMAT = "json"
LOGGING["handlers"]["console"]["formatter"] = "json"

# The chosen layers' refinements of this environment (components/<layer>_production.py, where
# a layer has one), run here as the layers' own settings run in base.py.
include(*[optional(f"components/{layer}_production.py") for layer in LAYERS])
