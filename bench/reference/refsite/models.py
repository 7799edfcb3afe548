"""The project's tables as unmanaged models: the data reference reads them, never migrates them."""

from django.db import models


class User(models.Model):
    username = models.CharField(max_length=150)

    class Meta:
        managed = False
        db_table = "users_user"


class Collection(models.Model):
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(User, models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "items_collection"


class Tag(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        managed = False
        db_table = "items_tag"


class Item(models.Model):
    collection = models.ForeignKey(Collection, models.DO_NOTHING)
    created_by = models.ForeignKey(User, models.DO_NOTHING)
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    metadata = models.JSONField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "items_item"


class ItemTag(models.Model):
    item = models.ForeignKey(Item, models.DO_NOTHING)
    tag = models.ForeignKey(Tag, models.DO_NOTHING)

    class Meta:
        managed = False
        db_table = "items_item_tags"
