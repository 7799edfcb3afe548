"""Fill the example app of a generated project up to N items, with relations; print JSON.

Run from the project's root with its interpreter: `.venv/bin/python <bench>/seed.py 10000`.
Idempotent: a second run with a larger N adds the missing items only. Prints the ids the
benchmark needs and the session cookies of SIGNED_IN users (their sessions live in the
database, as in production): the load is spread over them as real traffic is, so each user stays
within the API's default throttle rate and each throttle's state stays the size it has in
production.
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

from importlib import import_module  # noqa: E402

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.base_user import AbstractBaseUser  # noqa: E402
from django.test import Client  # noqa: E402

Collection = apps.get_model("items", "Collection")
Item = apps.get_model("items", "Item")
Tag = apps.get_model("items", "Tag")
User = get_user_model()

OWNERS, COLLECTIONS, TAGS = 20, 200, 50
# The most DRF requests a minute of the benchmark holds, about 20,000 (two endpoints' runs), are 100
# a user: well under the API's default 600 a minute, with room for a machine three times faster.
SIGNED_IN = 200
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
first = client.cookies[settings.SESSION_COOKIE_NAME].value
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
template = SessionStore(session_key=first).load()  # the backend force_login chose, its keys


def signed_in(user: AbstractBaseUser) -> str:
    """A session of user, as force_login writes it (without its signals: much faster)."""
    session = SessionStore()
    session.update(template)
    session[SESSION_KEY] = str(user.pk)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


readers = list(User.objects.filter(username__startswith="reader").order_by("pk"))
if len(readers) < SIGNED_IN - 1:
    User.objects.bulk_create(
        [
            User(username=f"reader{n}", email=f"reader{n}@bench.invalid", password="!")
            for n in range(len(readers), SIGNED_IN - 1)
        ]
    )
    readers = list(User.objects.filter(username__startswith="reader").order_by("pk"))
cookies = [first, *(signed_in(user) for user in readers)]
item = Item.objects.exclude(currency="USD").order_by("pk").first()
print(
    json.dumps(
        {
            "items": Item.objects.count(),
            "collection_id": collections[0].pk,
            "item_id": item.pk,
            # The first is the benchmark's user (probes and single requests use it).
            "session_cookies": [f"{settings.SESSION_COOKIE_NAME}={key}" for key in cookies],
        }
    )
)
