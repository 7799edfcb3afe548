from django.urls import path

from . import views

app_name = "items"
urlpatterns = [
    path("", views.ItemListView.as_view(), name="list"),
    path("<int:pk>/", views.ItemDetailView.as_view(), name="detail"),
    path("<int:pk>/price/", views.item_price, name="price"),
    path(
        "collections/<int:pk>/summary/",
        views.CollectionSummaryView.as_view(),
        name="collection-summary",
    ),
]
