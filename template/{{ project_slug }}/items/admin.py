from django.contrib import admin

from .models import Collection, Item, Tag


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin[Collection]):
    list_display = ("name", "owner", "created_at")
    list_select_related = ("owner",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ("name",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("name", "collection", "price", "currency", "created_by", "updated_at")
    list_filter = ("currency", "tags")
    list_select_related = ("collection", "created_by")
    search_fields = ("name", "collection__name")
    raw_id_fields = ("collection", "created_by")
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"
