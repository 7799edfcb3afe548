"""Answers of this project's own to parts of django-allauth's headless API it does not offer."""

from typing import Any

from django.http import HttpRequest, JsonResponse


def phone_not_offered(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Sign-in by phone is not configured (docs/accounts.md): a 404 in allauth's error shape."""
    message = "Phone numbers are not used to sign in to this service."
    body = {"status": 404, "errors": [{"message": message, "code": "not_found"}]}
    return JsonResponse(body, status=404)
