"""The API's errors in the project's one error body.

Every 4xx answer reads `{"error": {"code": ..., "message": ..., "fields": {...}}}`: `fields` for
invalid data, `retry_after` (seconds) for throttling. The domain errors raised by services and
selectors (Django's ValidationError, PermissionDenied, DoesNotExist, an ApplicationError) are
answered as core/errors.py says, like everywhere else in the project; REST framework's own errors
(bad credentials, throttling, a body it cannot parse...) are shaped here. Views only handle the
happy path.
"""

import math
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..errors import error_answer
from ..http import with_retry_after

# DRF's codes, renamed where the rest of the project already has a word for the same error.
CODES = {"parse_error": "malformed_json"}


class LockedOut(exceptions.Throttled):
    """Too many failed sign-ins for one username from one address (django-axes' lockout).

    A 429 like a throttle, with `retry_after` and a Retry-After header: the cool-off period, which
    every further attempt during the lockout starts again.
    """

    default_detail = "Too many failed sign-ins: this account is locked for this address."
    default_code = "locked_out"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    answer = error_answer(exc)
    if answer is not None:
        body = answer.body()
        if answer.fields is not None:
            # REST framework's name for errors of no particular field, as in its own errors.
            body["fields"] = {
                api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
                for name, messages in answer.fields.items()
            }
        set_rollback()
        answered = Response({"error": body}, status=answer.status)
        with_retry_after(answered, answer)
        return answered
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # not an API error: Django answers 500 and logs it
    response.data = {"error": error_body(exc)}
    return response


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    detail: Any = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        fields = detail if isinstance(detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: detail}
        return {"code": "invalid", "message": "The data is not valid.", "fields": _flat(fields)}
    code = str(detail.code if isinstance(detail, exceptions.ErrorDetail) else exc.default_code)
    if isinstance(detail, dict):
        # simplejwt's token errors: {"detail": ..., "code": ..., "messages": [...]}
        code = str(detail.get("code", code))
        detail = detail.get("detail", exc.default_detail)
    body: dict[str, Any] = {"code": CODES.get(code, code), "message": str(detail)}
    wait = getattr(exc, "wait", None)  # set on Throttled
    if wait is not None:
        body["retry_after"] = math.ceil(wait)
    return body


def _flat(errors: Any, path: str = "") -> dict[str, list[str]]:
    """Messages by field, nested ones under a dotted path: `{"tags.3": [...]}`, not `{3: [...]}`.

    A list field's or a nested serializer's errors are nested mappings (or lists of them); every
    value of `fields` is a list of messages, as the schema says.
    """
    if isinstance(errors, dict):
        items = [(str(key), value) for key, value in errors.items()]
    elif isinstance(errors, list) and any(isinstance(value, dict | list) for value in errors):
        items = [(str(index), value) for index, value in enumerate(errors)]
    else:
        messages = errors if isinstance(errors, list) else [errors]
        return {path: [str(message) for message in messages]} if messages else {}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        flat.update(_flat(value, f"{path}.{key}" if path else key))
    return flat
