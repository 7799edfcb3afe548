"""WSGI entry point, served by gunicorn in production.

WhiteNoise wraps the application here rather than sitting in MIDDLEWARE, where its sync-only
middleware would force every async view through a thread.
"""

import os
import re

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from whitenoise import WhiteNoise

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# collectstatic's manifest storage names files like app.3f2a9c1e7b4d.css: those never change,
# so browsers may cache them for a year.
_HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.\w+$")


def _is_immutable(path: str, url: str) -> bool:
    return bool(_HASHED_NAME.search(url))


application = WhiteNoise(
    get_wsgi_application(),
    root=settings.STATIC_ROOT,
    prefix=settings.STATIC_URL,
    immutable_file_test=_is_immutable,
)
