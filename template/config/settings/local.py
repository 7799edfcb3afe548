"""Development settings: DEBUG on, readable logs, e-mail printed to the console."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env
from config.settings.layering import apply_layer_settings
from config.settings.mail import mail_settings

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
globals().update(mail_settings("console"))
METRICS_PUBLIC = True
SENTRY_ENVIRONMENT = "local"

# Profiling in development only: django-debug-toolbar is a dev dependency, so it is neither in
# production settings nor in a production install. It shows for requests from INTERNAL_IPS.
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]  # noqa: F405
MIDDLEWARE = [MIDDLEWARE[0], "debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
INTERNAL_IPS = ["127.0.0.1", "::1"]

apply_layer_settings(globals(), "local")
