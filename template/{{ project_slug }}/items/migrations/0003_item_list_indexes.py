from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0002_item_newest_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="item",
            name="items_item_collect_55fd8b_idx",
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["price", "id"], name="items_item_price_idx"),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["name", "id"], name="items_item_name_idx"),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                fields=["collection", "-created_at", "-id"], name="items_item_collection_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                fields=["currency", "-created_at", "-id"], name="items_item_currency_idx"
            ),
        ),
    ]
