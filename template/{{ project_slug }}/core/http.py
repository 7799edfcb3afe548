"""The project's one error body for plain Django views: `{"error": {"code", "message", ...}}`.

A client handles every 4xx/5xx of the project the same way; core/errors.py decides what each
exception answers.
"""

from typing import Any

from django.http import HttpResponseBase, JsonResponse

from .errors import ErrorAnswer, error_answer


def json_error(status: int, code: str, message: str, **details: Any) -> JsonResponse:
    """`{"error": {"code": ..., "message": ..., **details}}` with the given status."""
    return JsonResponse({"error": {"code": code, "message": message, **details}}, status=status)


def error_response(error: Exception) -> JsonResponse:
    """The JSON answer to an error a client can act on; any other error (a bug) is raised again,
    for Django to answer 500 and log."""
    answer = error_answer(error)
    if answer is None:
        raise error
    return answer_response(answer)


def answer_response(answer: ErrorAnswer) -> JsonResponse:
    """The error body of `answer`, with Retry-After when it says when to try again."""
    response = JsonResponse({"error": answer.body()}, status=answer.status)
    with_retry_after(response, answer)
    return response


def with_retry_after(response: HttpResponseBase, answer: ErrorAnswer) -> None:
    if answer.retry_after is not None:
        response["Retry-After"] = str(answer.retry_after)
    if answer.status >= 500:
        # error_answer() has logged the cause with the request id: Django need not log it again.
        response._has_been_logged = True  # type: ignore[attr-defined]
