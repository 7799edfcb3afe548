"""Django's ASGI handler, with two trips to a thread per run of middleware instead of two each.

Under ASGI, Django calls every hook of `MiddlewareMixin` middleware (SecurityMiddleware,
SessionMiddleware, CsrfViewMiddleware and the rest of settings.MIDDLEWARE) through
`sync_to_async`: a trip to the request's thread and back for each process_request and each
process_response, 14 per request with the production settings. Each trip costs about as much CPU
as a small view (docs/scaling.md has the figures).

This handler calls each run of consecutive such middleware as one: the run's process_request
hooks in one trip, the rest of the chain on the event loop, the run's process_response hooks in
one trip back. Same thread, same order, same answers: a hook that answers stops the run, a hook
that raises becomes the error response that the middleware above it sees, as in Django's chain
(tests/core/test_handlers.py compares the two). Middleware with a __call__ or __acall__ of its
own, and every chain under WSGI, are loaded by Django unchanged.
"""

from typing import Any

import django
from asgiref.sync import markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string


def is_hook_middleware(middleware: Any) -> bool:
    """Middleware that is only hooks on MiddlewareMixin, which calls them in either mode."""
    return (
        isinstance(middleware, type)
        and issubclass(middleware, MiddlewareMixin)
        and middleware.__call__ is MiddlewareMixin.__call__
        and middleware.__acall__ is MiddlewareMixin.__acall__
        and getattr(middleware, "sync_capable", True)
        and getattr(middleware, "async_capable", False)
    )


class HookRun:
    """Consecutive MiddlewareMixin middleware (outermost first), called as Django's chain calls
    them, with one trip to the request's thread for their requests and one for their responses."""

    def __init__(self, middleware: list[MiddlewareMixin], get_response: Any) -> None:
        self.middleware = middleware
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response, entered = await sync_to_async(self.process_requests, thread_sensitive=True)(
            request
        )
        if response is None:
            response = await self.get_response(request)
        return await sync_to_async(self.process_responses, thread_sensitive=True)(
            request, response, entered
        )

    def process_requests(self, request: HttpRequest) -> tuple[HttpResponseBase | None, int]:
        """The process_request hooks, outermost first, until one answers or raises; with how
        many middleware were entered (their process_response runs on the way back)."""
        for index, middleware in enumerate(self.middleware):
            if not hasattr(middleware, "process_request"):
                continue
            try:
                response = middleware.process_request(request)
            except Exception as error:
                # Django turns it into a response around this middleware: its own
                # process_response does not run, those of the middleware above it do.
                return response_for_exception(request, error), index
            if response is not None:
                return response, index + 1
        return None, len(self.middleware)

    def process_responses(
        self, request: HttpRequest, response: HttpResponseBase, entered: int
    ) -> HttpResponseBase:
        """The process_response hooks of the entered middleware, innermost first."""
        for middleware in reversed(self.middleware[:entered]):
            if not hasattr(middleware, "process_response"):
                continue
            try:
                response = middleware.process_response(request, response)
            except Exception as error:
                response = response_for_exception(request, error)
        return response


class ASGIHandler(DjangoASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        """Django's BaseHandler.load_middleware, with runs of hook middleware made HookRuns."""
        if not is_async:
            super().load_middleware(is_async)
            return
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []

        # django-stubs leave out BaseHandler's private methods.
        handler = convert_exception_to_response(self._get_response_async)  # type: ignore[attr-defined]
        handler_is_async = True
        run: list[MiddlewareMixin] = []  # innermost first, while they are loaded

        def close_run() -> None:
            nonlocal handler
            if run:
                handler = convert_exception_to_response(HookRun(run[::-1], handler))
                run.clear()

        for middleware_path in reversed(settings.MIDDLEWARE):
            middleware = import_string(middleware_path)
            if handler_is_async and is_hook_middleware(middleware):
                # Loaded as Django loads it; called only through the run.
                try:
                    instance = middleware(handler)
                except MiddlewareNotUsed:
                    continue
                self._register_hooks(instance)
                run.append(instance)
                continue
            close_run()
            handler, handler_is_async = self._load_one(
                middleware_path, middleware, handler, handler_is_async
            )
        close_run()
        self._middleware_chain = self.adapt_method_mode(True, handler, handler_is_async)

    def _load_one(
        self, middleware_path: str, middleware: Any, handler: Any, handler_is_async: bool
    ) -> tuple[Any, bool]:
        """One middleware, exactly as BaseHandler.load_middleware loads it in an async chain."""
        can_sync = getattr(middleware, "sync_capable", True)
        can_async = getattr(middleware, "async_capable", False)
        if not can_sync and not can_async:
            raise RuntimeError(
                f"Middleware {middleware_path} must have at least one of "
                "sync_capable/async_capable set to True."
            )
        is_async = False if not handler_is_async and can_sync else can_async
        adapted = self.adapt_method_mode(
            is_async, handler, handler_is_async, debug=settings.DEBUG, name=middleware_path
        )
        try:
            instance = middleware(adapted)
        except MiddlewareNotUsed:
            return handler, handler_is_async
        if instance is None:
            raise ImproperlyConfigured(f"Middleware factory {middleware_path} returned None.")
        self._register_hooks(instance)
        return convert_exception_to_response(instance), is_async

    def _register_hooks(self, instance: Any) -> None:
        if hasattr(instance, "process_view"):
            self._view_middleware.insert(0, self.adapt_method_mode(True, instance.process_view))
        if hasattr(instance, "process_template_response"):
            self._template_response_middleware.append(
                self.adapt_method_mode(True, instance.process_template_response)
            )
        if hasattr(instance, "process_exception"):
            # Django's exception stack is synchronous.
            self._exception_middleware.append(
                self.adapt_method_mode(False, instance.process_exception)
            )


def get_asgi_application() -> ASGIHandler:
    """django.core.asgi.get_asgi_application, with this module's handler."""
    django.setup(set_prefix=False)
    return ASGIHandler()
