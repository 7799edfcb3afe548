"""The reference: Django with nothing of ours, no middleware, no database, no apps."""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "reference-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "refsite.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
