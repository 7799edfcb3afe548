from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The page that opens the WebSocket and lists notifications as they arrive."""
    return render(request, "notifications/index.html", {"project_name": settings.PROJECT_NAME})
