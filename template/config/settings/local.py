"""Development settings: DEBUG on, readable logs, e-mail printed to the console."""

from split_settings.tools import include, optional

from config.layers import LAYERS
from config.settings.base import *  # noqa: F403
from config.settings.base import env
from config.settings.mail import mail_settings

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# E-mail is printed to the console, or sent to the SMTP server DJANGO_EMAIL_HOST names (Mailpit,
# with the compose file: http://localhost:8025 shows what was sent).
if env("DJANGO_EMAIL_HOST", default=""):
    globals().update(
        mail_settings(
            "smtp", host=env("DJANGO_EMAIL_HOST"), port=env.int("DJANGO_EMAIL_PORT", default=1025)
        )
    )
else:
    globals().update(mail_settings("console"))
METRICS_PUBLIC = True
SENTRY_ENVIRONMENT = "local"
# Passkeys and security keys on http://localhost (browsers allow WebAuthn there).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# Profiling in development only: django-debug-toolbar is a dev dependency, so it is neither in
# production settings nor in a production install. It shows for requests from INTERNAL_IPS.
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]  # noqa: F405
MIDDLEWARE = [MIDDLEWARE[0], "debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
INTERNAL_IPS = ["127.0.0.1", "::1"]

# django-silk, on request (`SILK=1`, then `manage.py migrate` once for its tables): it records
# every request with its SQL queries and its Python profile, browsable at /silk/. It roughly
# doubles a request's time and writes to the database on each one, so it stays off otherwise;
# like the toolbar it is a dev dependency, never installed in production (docs/scaling.md).
if env.bool("SILK", default=False):
    INSTALLED_APPS = [*INSTALLED_APPS, "silk"]
    MIDDLEWARE = [MIDDLEWARE[0], "silk.middleware.SilkyMiddleware", *MIDDLEWARE[1:]]
    SILKY_PYTHON_PROFILER = True
    SILKY_META = True  # how long silk itself took, shown beside each request

# The chosen layers' refinements of this environment (components/<layer>_local.py, where
# a layer has one), run here as the layers' own settings run in base.py.
include(*[optional(f"components/{layer}_local.py") for layer in LAYERS])
