"""Settings for the test suite: fast hashing, in-memory e-mail, and the same services as base.

Tests run on SQLite and the local-memory cache unless DATABASE_URL / REDIS_URL point at real
PostgreSQL and Redis, in which case the same suite exercises them over real connections.
"""

from config.settings.base import *  # noqa: F403
from config.settings.layering import apply_layer_settings
from config.settings.mail import mail_settings

SECRET_KEY = "django-insecure-test-only"  # noqa: S105 (tests never run in production)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("locmem"))
EXCHANGE_RATES_URL = "https://rates.test/latest"
METRICS_PUBLIC = True
SENTRY_DSN = ""  # never report test failures as production errors

apply_layer_settings(globals(), "test")
