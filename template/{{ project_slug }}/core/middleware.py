"""Request ids: every request gets one, every log line of the request carries it.

Ours rather than a library's: django-guid keeps an incoming id only when it parses as a UUID
(ids from load balancers and other services often do not) or, with that check off, keeps any
text at all; asgi-correlation-id is ASGI middleware, which gunicorn's WSGI workers never run.
"""

import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from typing import Any, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# The id read by the logging filter; "-" outside a request (management commands, workers).
request_id: ContextVar[str] = ContextVar("request_id", default="-")
# An id from upstream (a load balancer, another service) is kept only when it is short and plain,
# so a client cannot inject text into the logs.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

GetResponse = Callable[[HttpRequest], HttpResponseBase]
AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class WrappingMiddleware:
    """Middleware that wraps the rest of the chain in the chain's own mode, sync or async.

    Django calls it the way the chain runs, so an async view is never pushed through a thread on
    its account. Subclasses fill in three steps: begin() before the rest of the chain, finish()
    after it even when it raised, and respond() with its response.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse | AsyncGetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        state = self.begin(request)
        try:
            response = cast(GetResponse, self.get_response)(request)
        finally:
            self.finish(request, state)
        return self.respond(request, response, state)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        state = self.begin(request)
        try:
            response = await cast(AsyncGetResponse, self.get_response)(request)
        finally:
            self.finish(request, state)
        return self.respond(request, response, state)

    def begin(self, request: HttpRequest) -> Any:
        raise NotImplementedError

    def finish(self, request: HttpRequest, state: Any) -> None:
        raise NotImplementedError

    def respond(
        self, request: HttpRequest, response: HttpResponseBase, state: Any
    ) -> HttpResponseBase:
        raise NotImplementedError


class RequestIDMiddleware(WrappingMiddleware):
    """Takes the request id from X-Request-ID or makes one, and returns it in the response."""

    def begin(self, request: HttpRequest) -> tuple[str, Token[str]]:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        return rid, request_id.set(rid)

    def finish(self, request: HttpRequest, state: tuple[str, Token[str]]) -> None:
        request_id.reset(state[1])

    def respond(
        self, request: HttpRequest, response: HttpResponseBase, state: tuple[str, Token[str]]
    ) -> HttpResponseBase:
        response[REQUEST_ID_HEADER] = state[0]
        return response
