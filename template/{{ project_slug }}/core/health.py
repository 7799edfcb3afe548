"""Liveness and readiness.

Liveness touches nothing, so a process that can answer HTTP is alive. Readiness runs every check
in settings.HEALTH_CHECKS (the database and the cache, plus what the layers add) and answers 503
with the name of each failing check, so a load balancer stops sending traffic until they recover.

Ours rather than django-health-check's views: those answer 500 with each check's error text, keyed
by the check's repr; this contract (503, check names, details in the log only) is what probes and
dashboards read.
"""

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    key, value = f"health:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


def run_checks() -> dict[str, str]:
    results: dict[str, str] = {}
    for path in settings.HEALTH_CHECKS:
        check: Callable[[], None] = import_string(path)
        name = check.__name__.removeprefix("check_")
        try:
            check()
        except Exception:
            # The details go to the log; the public answer names only the failing dependency.
            logger.exception("readiness check %s failed", name)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    return results


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
