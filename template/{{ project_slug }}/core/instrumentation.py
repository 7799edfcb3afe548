"""Measures every request and SQL query: metrics for each, a log line for each slow query."""

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponseBase

from .metrics import (
    DB_QUERIES,
    DB_QUERY_DURATION,
    DB_QUERY_ERRORS,
    REQUEST_LATENCY,
    REQUESTS_IN_FLIGHT,
)
from .middleware import AsyncGetResponse, GetResponse, WrappingMiddleware

access_logger = logging.getLogger(__name__.rsplit(".", 1)[0] + ".access")
slow_query_logger = logging.getLogger(__name__.rsplit(".", 1)[0] + ".db.slow")
# The view being served, so a slow query can say who issued it.
current_view: ContextVar[str] = ContextVar("current_view", default="-")


def _view_kind(view_func: Any) -> str:
    view_class = getattr(view_func, "view_class", None)
    if view_class is not None:
        return "async" if getattr(view_class, "view_is_async", False) else "sync"
    return "async" if iscoroutinefunction(view_func) else "sync"


class MetricsMiddleware(WrappingMiddleware):
    """Latency by view and status, requests in flight by kind of view, and one access log line.

    Ours rather than django-prometheus': its middleware (MiddlewareMixin) adds four thread hops
    to every async request and has neither these metric names nor the in-flight gauge.
    """

    # Django calls process_view in the chain's mode and moves a sync one to a thread on async
    # requests: in async mode it is a coroutine, so that never happens.
    process_view: Callable[[HttpRequest, Any, Any, Any], Any]

    def __init__(self, get_response: GetResponse | AsyncGetResponse) -> None:
        super().__init__(get_response)
        self.process_view = self._aenter_view if self.is_async else self._enter_view

    def begin(self, request: HttpRequest) -> float:
        return time.perf_counter()

    def finish(self, request: HttpRequest, state: float) -> None:
        self._leave(request)

    def respond(
        self, request: HttpRequest, response: HttpResponseBase, state: float
    ) -> HttpResponseBase:
        self._observe(request, response, state)
        return response

    def _enter_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        kind = _view_kind(view_func)
        request.metrics_kind = kind  # type: ignore[attr-defined]
        REQUESTS_IN_FLIGHT.labels(kind).inc()
        match = request.resolver_match
        current_view.set(match.view_name if match else "-")

    async def _aenter_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        self._enter_view(request, view_func, view_args, view_kwargs)

    @staticmethod
    def _leave(request: HttpRequest) -> None:
        kind = getattr(request, "metrics_kind", None)
        if kind is not None:
            REQUESTS_IN_FLIGHT.labels(kind).dec()

    @staticmethod
    def _observe(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match and match.view_name else "<unresolved>"
        status = response.status_code
        REQUEST_LATENCY.labels(view, request.method or "-", str(status)).observe(elapsed)
        access_logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            status,
            elapsed * 1000,
            extra={"view": view, "status": status, "duration_ms": round(elapsed * 1000, 1)},
        )


def _query_wrapper(alias: str) -> Callable[..., Any]:
    def measure(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception:
            DB_QUERY_ERRORS.labels(alias).inc()
            raise
        finally:
            elapsed = time.perf_counter() - started
            DB_QUERIES.labels(alias).inc()
            DB_QUERY_DURATION.labels(alias).observe(elapsed)
            if elapsed * 1000 >= settings.SLOW_QUERY_MS:
                slow_query_logger.warning(
                    "slow query: %.1f ms in %s",
                    elapsed * 1000,
                    current_view.get(),
                    extra={
                        "duration_ms": round(elapsed * 1000, 1),
                        "view": current_view.get(),
                        "database": alias,
                        "sql": sql[:2000],
                    },
                )

    measure.django_pro_metrics = True  # type: ignore[attr-defined]
    return measure


def instrument_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: wrap every query of this connection, once.

    With a connection pool the signal fires each time a connection is taken, so the wrapper is
    added only when it is not there yet.
    """
    wrappers = connection.execute_wrappers
    if not any(getattr(wrapper, "django_pro_metrics", False) for wrapper in wrappers):
        wrappers.append(_query_wrapper(connection.alias))
