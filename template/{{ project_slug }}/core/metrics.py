"""Prometheus metrics of the web process, and the /metrics endpoint that serves them.

Under gunicorn with several workers each process counts on its own; set PROMETHEUS_MULTIPROC_DIR
(config/gunicorn.py does) and the endpoint adds up every worker's numbers.
"""

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

# Buckets around the budgets: API answers under 200 ms, SQL queries under 50 ms.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)

REQUEST_LATENCY = Histogram(
    "django_http_request_duration_seconds",
    "Time from the first middleware to the response, by view, method and status.",
    ["view", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
REQUESTS_IN_FLIGHT = Gauge(
    "django_http_requests_in_flight",
    "Requests being handled right now, by the kind of view (sync or async).",
    ["kind"],
    multiprocess_mode="livesum",
)
DB_QUERIES = Counter(
    "django_db_queries_total", "SQL queries executed, by database alias.", ["alias"]
)
DB_QUERY_DURATION = Histogram(
    "django_db_query_duration_seconds",
    "Time spent in one SQL query, by database alias.",
    ["alias"],
    buckets=QUERY_BUCKETS,
)
DB_QUERY_ERRORS = Counter(
    "django_db_query_errors_total", "SQL queries that raised, by database alias.", ["alias"]
)
CACHE_LOOKUPS = Counter(
    "django_cache_lookups_total",
    "Cache reads of the default cache, by result (hit or miss).",
    ["result"],
)
CACHE_UNAVAILABLE = Counter(
    "django_cache_unavailable_total",
    "Operations of the default cache answered without it (Redis unreachable), by operation.",
    ["operation"],
)
DEPENDENCY_UNAVAILABLE = Counter(
    "django_dependency_unavailable_total",
    "Requests answered 503 because a dependency was down, by dependency.",
    ["dependency"],
)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format.

    With METRICS_TOKEN set, the scraper must send `Authorization: Bearer <token>`. Without a token
    the endpoint is open only where METRICS_PUBLIC is true (local and test settings), and does
    not exist in production.
    """
    token: str = settings.METRICS_TOKEN
    if token:
        scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(sent.encode(), token.encode()):
            response = JsonResponse(
                {"error": {"code": "not_authenticated", "message": "Send the metrics token."}},
                status=401,
            )
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    elif not settings.METRICS_PUBLIC:
        return JsonResponse({"error": {"code": "not_found", "message": "Not found."}}, status=404)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
