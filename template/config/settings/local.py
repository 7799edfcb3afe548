"""Development settings: DEBUG on, readable logs, e-mail printed to the console."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env
from config.settings.layering import apply_layer_settings

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

apply_layer_settings(globals(), "local")
