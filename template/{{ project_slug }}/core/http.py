"""The project's one error body for plain Django views: `{"error": {"code", "message", ...}}`.

A client handles every 4xx/5xx of the project the same way; core/errors.py decides what each
exception answers.
"""

from typing import Any

from django.http import JsonResponse

from .errors import error_answer


def json_error(status: int, code: str, message: str, **details: Any) -> JsonResponse:
    """`{"error": {"code": ..., "message": ..., **details}}` with the given status."""
    return JsonResponse({"error": {"code": code, "message": message, **details}}, status=status)


def error_response(error: Exception) -> JsonResponse:
    """The JSON answer to an error a client can act on; any other error (a bug) is raised again,
    for Django to answer 500 and log."""
    answer = error_answer(error)
    if answer is None:
        raise error
    return JsonResponse({"error": answer.body()}, status=answer.status)
