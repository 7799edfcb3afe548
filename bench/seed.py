"""Fill the example app of a generated project up to N items, with relations; print JSON.

Run from the project's root with its interpreter: `.venv/bin/python <bench>/seed.py 10000`.
Idempotent: a second run with a larger N adds the missing items only. Prints the ids the
benchmark needs and a session cookie of a signed-in user (its session lives in the database,
as in production).
"""

import json
import os
import random
import sys
from decimal import Decimal

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

Collection = apps.get_model("items", "Collection")
Item = apps.get_model("items", "Item")
Tag = apps.get_model("items", "Tag")
User = get_user_model()

OWNERS, COLLECTIONS, TAGS = 20, 200, 50
target = int(sys.argv[1])
rng = random.Random(target)

bench_user, created = User.objects.get_or_create(
    username="bench", defaults={"email": "bench@bench.invalid"}
)
if created:
    bench_user.set_password("bench-password-not-secret")
    bench_user.save()
owners = [
    User.objects.get_or_create(username=f"owner{n}", defaults={"email": f"owner{n}@bench.invalid"})[
        0
    ]
    for n in range(OWNERS)
]
tags = [Tag.objects.get_or_create(name=f"tag-{n}")[0] for n in range(TAGS)]
collections = list(Collection.objects.all())
for n in range(len(collections), COLLECTIONS):
    collections.append(Collection.objects.create(owner=owners[n % OWNERS], name=f"Collection {n}"))

missing = target - Item.objects.count()
if missing > 0:
    items = Item.objects.bulk_create(
        [
            Item(
                collection=rng.choice(collections),
                created_by=rng.choice(owners),
                name=f"Item {n}",
                price=Decimal(rng.randint(100, 100_000)) / 100,
                currency=rng.choice(["EUR", "GBP", "CHF"]),
                metadata={
                    "colour": rng.choice(["red", "green", "blue"]),
                    "size": rng.randint(1, 9),
                },
            )
            for n in range(missing)
        ],
        batch_size=2000,
    )
    Through = Item.tags.through
    Through.objects.bulk_create(
        [
            Through(item_id=item.pk, tag_id=tag.pk)
            for item in items
            for tag in rng.sample(tags, rng.randint(1, 3))
        ],
        batch_size=5000,
    )

client = Client()
client.force_login(bench_user)
item = Item.objects.exclude(currency="USD").order_by("pk").first()
print(
    json.dumps(
        {
            "items": Item.objects.count(),
            "collection_id": collections[0].pk,
            "item_id": item.pk,
            "session_cookie": f"{settings.SESSION_COOKIE_NAME}="
            + client.cookies[settings.SESSION_COOKIE_NAME].value,
        }
    )
)
