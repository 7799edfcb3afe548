"""JSON views: one error body for every 4xx/5xx, and the mapping of domain errors onto it.

Every error answer looks like `{"error": {"code": ..., "message": ..., "fields": {...}}}`, so a
client handles them all the same way, and a bad request is a 4xx that says what was wrong.
"""

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views import View


def json_error(status: int, code: str, message: str, **details: Any) -> JsonResponse:
    """`{"error": {"code": ..., "message": ..., **details}}` with the given status."""
    return JsonResponse({"error": {"code": code, "message": message, **details}}, status=status)


class BadRequest(Exception):
    """The request itself is unusable (not JSON, wrong content type, bad query parameter)."""

    def __init__(self, message: str, *, status: int = 400, code: str = "bad_request") -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; BadRequest (415 or 400) when it is not one."""
    if request.content_type != "application/json":
        raise BadRequest(
            "Send the body as application/json.", status=415, code="unsupported_media_type"
        )
    try:
        body = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(f"The body is not valid JSON: {error}", code="malformed_json") from error
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.", code="malformed_json")
    return body


def validation_error(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return json_error(400, "invalid", "The data is not valid.", fields=fields)


class JsonView(View):
    """A class-based view that answers errors in JSON and requires a signed-in user.

    Domain errors raised by services and selectors become answers here, so handlers stay about
    the happy path: DoesNotExist is 404, PermissionDenied 403, ValidationError 400.
    """

    login_required = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.login_required and not request.user.is_authenticated:
            return json_error(401, "not_authenticated", "Sign in to use this endpoint.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadRequest as error:
            return json_error(error.status, error.code, error.message)
        except ObjectDoesNotExist:
            return json_error(404, "not_found", "No such object.")
        except PermissionDenied as error:
            return json_error(403, "permission_denied", str(error) or "Not allowed.")
        except ValidationError as error:
            return validation_error(error)

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = json_error(
            405, "method_not_allowed", f"{request.method} is not allowed on this endpoint."
        )
        allowed = [method.upper() for method in self.http_method_names if hasattr(self, method)]
        response["Allow"] = ", ".join(allowed)
        return response
