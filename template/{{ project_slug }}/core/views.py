from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
