from typing import Any

from django.conf import settings
from django.http import HttpRequest


def project(request: HttpRequest) -> dict[str, Any]:
    """The project's name, for base.html on every page (django-allauth's pages included)."""
    return {"project_name": settings.PROJECT_NAME}
