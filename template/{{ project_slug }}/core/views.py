import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.views import defaults
from django.views.decorators.http import require_GET

from .errors import error_answer
from .http import answer_response, with_retry_after


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "project_name": settings.PROJECT_NAME,
        "description": settings.PROJECT_DESCRIPTION,
        "items_url": _items_url(),
    }
    return render(request, "core/home.html", context)


def _items_url() -> str:
    """The example app's list of items: the REST API's where the project has one."""
    try:
        return reverse("api:item-list")
    except NoReverseMatch:
        return reverse("items:list")


@require_GET
def csrf(request: HttpRequest) -> JsonResponse:
    """The CSRF cookie, and its token, for a browser client about to POST with its session.

    Echo the token in the X-CSRFToken header of each POST a signed-in browser sends. Pages of the
    project set the cookie themselves; this is for a front end served on its own.
    """
    return JsonResponse({"csrf_token": get_token(request)})


def server_error(request: HttpRequest) -> HttpResponseBase:
    """handler500: a dependency that is down (the database, its pool full) is a 503, anything
    else Django's 500.

    Django calls it for an exception nothing else answered, from a view or a middleware (the
    session loaded or saved, the user read), while that exception is being handled. API and JSON
    clients get the error body, browsers a plain page that loads nothing else; both say when to
    try again (Retry-After).
    """
    error = sys.exc_info()[1]
    answer = error_answer(error) if error is not None else None
    if answer is None or answer.status < 500:
        return defaults.server_error(request)
    if _wants_html(request):
        page = render_to_string("503.html", {"message": answer.message})
        response = HttpResponse(page, status=answer.status)
        with_retry_after(response, answer)
        return response
    return answer_response(answer)


def _wants_html(request: HttpRequest) -> bool:
    # A browser asks for HTML; API clients for JSON (or anything, as curl does).
    return not request.path.startswith("/api/") and "text/html" in request.headers.get("Accept", "")
