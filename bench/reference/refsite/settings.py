"""The references: Django with nothing of ours, no middleware, no sessions, no authentication.

Without DATABASE_URL it has no database (the minimal view only). With it, the same PostgreSQL
database as the project, through the same connection pool settings as the project's
(config/settings/base.py), for the view that runs the list's queries (urls.py).
"""

import os
from urllib.parse import urlsplit

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "reference-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "refsite.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, object]] = {}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if url := os.environ.get("DATABASE_URL"):
    parts = urlsplit(url)
    INSTALLED_APPS = ["refsite"]  # its unmanaged models: the project's tables, read only
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "postgres",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 10, "timeout": 10.0}},
    }
