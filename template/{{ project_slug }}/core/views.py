from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {"project_name": settings.PROJECT_NAME, "description": settings.PROJECT_DESCRIPTION}
    return render(request, "core/home.html", context)
