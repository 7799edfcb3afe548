"""The API's interactive documentation, Swagger UI and Redoc, within the production CSP.

Both pages load their scripts and styles from this origin (drf-spectacular-sidecar's static
files, no CDN), and Swagger UI's start-up script is a file of its own (`?script`, served by the
same view), so neither page runs an inline script. What they still need beyond the project's
Content-Security-Policy, each view adds to its own responses only:

- both: inline styles (`style-src 'unsafe-inline'`), for the pages' <style> blocks, the <style>
  elements of Swagger UI's SVG icons and the ones Redoc injects as it renders;
- Redoc: Web Workers made from blob: URLs (`worker-src blob:`), for its search index.

Scripts stay 'self' only. The decorator that widens the policy is in core/api/csp.py
(django-csp on Django 5.2, Django's own CSP on 6).
"""

from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from .csp import csp_extend

# What each page adds to the production policy (config/settings/csp.py).
SWAGGER_CSP = {"style-src": ["'unsafe-inline'"]}
REDOC_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]}


@method_decorator(csp_extend(SWAGGER_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI at /api/docs/; its start-up script at /api/docs/?script."""


@method_decorator(csp_extend(REDOC_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    """Redoc at /api/redoc/, without the web fonts drf-spectacular's page loads from Google."""

    template_name = "api/redoc.html"
