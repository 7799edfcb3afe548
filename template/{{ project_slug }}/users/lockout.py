"""django-axes' view of a sign-in: whose account it is, and what a locked-out client is told.

One account, one failure count per address, whichever way it signs in: the admin and the JWT
endpoint send a username, the account pages and /_allauth/ an e-mail address. Both name the same
account here (its username), so failures on one path count on the others too.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..core.http import json_error
from .selectors import user_get_by_email

LOCKED_OUT = "Too many failed sign-ins: this account is locked for this address."


def sign_in_account(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username of the account a sign-in names (AXES_USERNAME_CALLABLE)."""
    given = credentials or request.POST
    name = given.get("username") or given.get("email") or given.get("login")
    if not name or "@" not in name:
        return name
    user = user_get_by_email(email=name)
    # An address no account has is counted as given (lower-cased), never reported as unknown.
    return user.username if user is not None else name.lower()


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """The 429 of a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the project's JSON error body for
    API clients (/_allauth/, JSON requests), a page that says so for people."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response: HttpResponse
    if request.path.startswith("/_allauth/") or request.content_type == "application/json":
        response = json_error(429, "locked_out", LOCKED_OUT, retry_after=retry_after)
    else:
        context = {"message": LOCKED_OUT, "retry_minutes": retry_after // 60}
        response = render(request, "account/locked_out.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
