"""Settings for the test suite: fast hashing, in-memory e-mail, and the same services as base.

Tests run on SQLite and the local-memory cache unless DATABASE_URL / REDIS_URL point at real
PostgreSQL and Redis, in which case the same suite exercises them over real connections.
"""

from split_settings.tools import include, optional

from config.layers import LAYERS
from config.settings.base import *  # noqa: F403
from config.settings.mail import mail_settings

SECRET_KEY = "django-insecure-test-only"  # noqa: S105 (tests never run in production)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("locmem"))
EXCHANGE_RATES_URL = "https://rates.test/latest"
METRICS_PUBLIC = True
SENTRY_DSN = ""  # never report test failures as production errors

# The chosen layers' refinements of this environment (components/<layer>_test.py, where
# a layer has one), run here as the layers' own settings run in base.py.
include(*[optional(f"components/{layer}_test.py") for layer in LAYERS])
