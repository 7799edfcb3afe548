"""The example app's domain events, relayed to the owner of the collection they concern."""

from typing import Any

from ..items import signals
from ..items.models import Item
from .events import item_event, publish


def on_item_created(sender: type[Item], *, item: Item, **kwargs: Any) -> None:
    publish(user_id=item.collection.owner_id, event=item_event("created", item))


def on_item_updated(sender: type[Item], *, item: Item, **kwargs: Any) -> None:
    publish(user_id=item.collection.owner_id, event=item_event("updated", item))


def on_item_deleted(
    sender: type[Item], *, item_id: int, collection_id: int, owner_id: int, **kwargs: Any
) -> None:
    event = {"type": "item.deleted", "item": {"id": item_id, "collection": {"id": collection_id}}}
    publish(user_id=owner_id, event=event)


def connect() -> None:
    # dispatch_uid keeps a receiver from being connected twice if ready() runs again.
    signals.item_created.connect(on_item_created, dispatch_uid="notifications.item_created")
    signals.item_updated.connect(on_item_updated, dispatch_uid="notifications.item_updated")
    signals.item_deleted.connect(on_item_deleted, dispatch_uid="notifications.item_deleted")
