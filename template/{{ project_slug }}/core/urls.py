from django.urls import path

from . import views
from .metrics import metrics_view

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("metrics", metrics_view, name="metrics"),
    path("csrf/", views.csrf, name="csrf"),
]
