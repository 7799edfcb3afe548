"""Request ids: every request gets one, every log line of the request carries it."""

import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from typing import cast

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


class RequestIDMiddleware:
    """Takes the request id from X-Request-ID or makes one, and returns it in the response.

    Sync and async capable: Django calls it in the mode of the chain, so an async view is never
    pushed through a thread on its account.
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
        rid, token = self._begin(request)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response = cast(HttpResponseBase, response)  # the chain is sync here
        response[REQUEST_ID_HEADER] = rid
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        rid, token = self._begin(request)
        try:
            response = await cast(AsyncGetResponse, self.get_response)(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response

    @staticmethod
    def _begin(request: HttpRequest) -> tuple[str, Token[str]]:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        return rid, request_id.set(rid)
