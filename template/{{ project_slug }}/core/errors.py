"""The one mapping from an exception to what a client is told: status, code, message, fields.

Services and selectors raise Django's exceptions (ValidationError, PermissionDenied,
ObjectDoesNotExist) or an ApplicationError of their own; every front end of the project answers
them through error_answer(), so a client meets the same codes and messages whichever way it came
in. An exception error_answer() does not know is a bug: the front end lets it become a 500 (or
its own "unexpected error"), logged with its traceback, and its text never reaches the client.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404

from .metrics import DEPENDENCY_UNAVAILABLE

logger = logging.getLogger(__name__)

# Seconds a client is told to wait (Retry-After) when a dependency is down.
RETRY_AFTER_SECONDS = 5


class ApplicationError(Exception):
    """An error the project answers on purpose, with its own status, code and message.

    Subclass it with other defaults (see items/rates.py), or raise it with them:
    `ApplicationError("Send the body as JSON.", status=415, code="unsupported_media_type")`.
    """

    status = 400
    code = "bad_request"
    message = "The request cannot be served."

    def __init__(
        self, message: str | None = None, *, status: int | None = None, code: str | None = None
    ) -> None:
        super().__init__(message or self.message)
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class Unavailable(ApplicationError):
    """A dependency the request needs is down (the database, the message broker): 503.

    Raise it with the dependency's name and the error it raised; error_answer() logs it once,
    counts it in `django_dependency_unavailable_total` and answers 503 with Retry-After.
    """

    status = 503
    code = "unavailable"
    message = "The service is unavailable for a moment: try again shortly."

    def __init__(self, dependency: str, message: str | None = None) -> None:
        super().__init__(message)
        self.dependency = dependency


@dataclass(frozen=True, kw_only=True)
class ErrorAnswer:
    """What a client is told about an error; `fields` holds the messages of each invalid field,
    `retry_after` the seconds to wait before trying again (sent as Retry-After too)."""

    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None
    retry_after: int | None = None

    def body(self) -> dict[str, Any]:
        """The `error` object of the project's error body: code, message, fields if any."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            body["fields"] = self.fields
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body


# The codes of Django's ValidationError for a unique field or constraint that a row already holds.
UNIQUENESS = {"unique", "unique_together"}


def error_answer(error: BaseException) -> ErrorAnswer | None:
    """The answer to an error a client can act on; None for any other (a bug)."""
    if isinstance(error, Unavailable | OperationalError | InterfaceError):
        # OperationalError: the database refused or dropped the connection, or the pool had
        # none free within DATABASE_POOL_TIMEOUT.
        return _unavailable(error)
    if isinstance(error, ApplicationError):
        return ErrorAnswer(status=error.status, code=error.code, message=error.message)
    if isinstance(error, ValidationError):
        # Django names the errors of no particular field "__all__" (NON_FIELD_ERRORS).
        fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        if _codes(error) <= UNIQUENESS:
            # Valid data that clashes with a row already there (a name in use): a conflict.
            return ErrorAnswer(
                status=409, code="conflict", message="This already exists.", fields=fields
            )
        return ErrorAnswer(
            status=400, code="invalid", message="The data is not valid.", fields=fields
        )
    if isinstance(error, PermissionDenied):
        return ErrorAnswer(
            status=403, code="permission_denied", message=str(error) or "Not allowed."
        )
    if isinstance(error, ObjectDoesNotExist | Http404):
        return ErrorAnswer(status=404, code="not_found", message="No such object.")
    return None


def _unavailable(error: Exception) -> ErrorAnswer:
    """503 with Retry-After; the outage is logged (with the request id) and counted once."""
    dependency = error.dependency if isinstance(error, Unavailable) else "database"
    if not getattr(error, "_reported", False):
        error._reported = True  # type: ignore[attr-defined]
        DEPENDENCY_UNAVAILABLE.labels(dependency).inc()
        cause = error.__cause__ if isinstance(error, Unavailable) and error.__cause__ else error
        logger.error(
            "answered 503: the %s is unavailable (%s: %s)",
            dependency,
            type(cause).__name__,
            str(cause).strip(),
            extra={"dependency": dependency},
        )
    message = error.message if isinstance(error, Unavailable) else Unavailable.message
    return ErrorAnswer(
        status=503, code="unavailable", message=message, retry_after=RETRY_AFTER_SECONDS
    )


def _codes(error: ValidationError) -> set[str | None]:
    problems = (
        [problem for problems in error.error_dict.values() for problem in problems]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return {problem.code for problem in problems}
