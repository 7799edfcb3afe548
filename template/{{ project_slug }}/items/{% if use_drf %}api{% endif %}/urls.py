from rest_framework.routers import SimpleRouter

from .views import CollectionViewSet, ItemViewSet

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")
router.register("collections", CollectionViewSet, basename="collection")

urlpatterns = router.urls
