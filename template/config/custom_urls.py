"""Your project's own URLs, included last by config/urls.py.

Copier creates this file once and never updates it: routes for your own apps go here.
"""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
