"""The one mapping from an exception to what a client is told: status, code, message, fields.

Services and selectors raise Django's exceptions (ValidationError, PermissionDenied,
ObjectDoesNotExist) or an ApplicationError of their own; every front end of the project answers
them through error_answer(), so a client meets the same codes and messages whichever way it came
in. An exception error_answer() does not know is a bug: the front end lets it become a 500 (or
its own "unexpected error"), logged with its traceback, and its text never reaches the client.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404


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


@dataclass(frozen=True, kw_only=True)
class ErrorAnswer:
    """What a client is told about an error; `fields` holds the messages of each invalid field."""

    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None

    def body(self) -> dict[str, Any]:
        """The `error` object of the project's error body: code, message and fields if any."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            body["fields"] = self.fields
        return body


# The codes of Django's ValidationError for a unique field or constraint that a row already holds.
UNIQUENESS = {"unique", "unique_together"}


def error_answer(error: BaseException) -> ErrorAnswer | None:
    """The answer to an error a client can act on; None for any other (a bug)."""
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


def _codes(error: ValidationError) -> set[str | None]:
    problems = (
        [problem for problems in error.error_dict.values() for problem in problems]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return {problem.code for problem in problems}
