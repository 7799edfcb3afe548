from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET


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
