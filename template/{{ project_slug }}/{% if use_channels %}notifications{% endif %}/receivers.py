"""The example app's domain signals, relayed as events of items/events.py to the user they
concern: item events to the owner of the item's collection, a reprice's outcome (an event
already) to the user who asked for it, its owner.
"""

from typing import Any

from ..items import signals
from ..items.events import Event, ItemCreated, ItemDeleted, ItemUpdated
from ..items.models import Item
from ..items.representations import CollectionId, DeletedItem, ItemBrief
from .publish import publish


def on_item_created(sender: type[Item], *, item: Item, **kwargs: Any) -> None:
    publish(user_id=item.collection.owner_id, event=ItemCreated(item=ItemBrief.of(item)))


def on_item_updated(sender: type[Item], *, item: Item, **kwargs: Any) -> None:
    publish(user_id=item.collection.owner_id, event=ItemUpdated(item=ItemBrief.of(item)))


def on_item_deleted(
    sender: type[Item], *, item_id: int, collection_id: int, owner_id: int, **kwargs: Any
) -> None:
    item = DeletedItem(id=item_id, collection=CollectionId(id=collection_id))
    publish(user_id=owner_id, event=ItemDeleted(item=item))


def on_reprice_ended(sender: Any, *, user_id: int, event: Event, **kwargs: Any) -> None:
    publish(user_id=user_id, event=event)


def connect() -> None:
    # dispatch_uid keeps a receiver from being connected twice if ready() runs again.
    signals.item_created.connect(on_item_created, dispatch_uid="notifications.item_created")
    signals.item_updated.connect(on_item_updated, dispatch_uid="notifications.item_updated")
    signals.item_deleted.connect(on_item_deleted, dispatch_uid="notifications.item_deleted")
    signals.collection_repriced.connect(on_reprice_ended, dispatch_uid="notifications.repriced")
    signals.collection_reprice_failed.connect(
        on_reprice_ended, dispatch_uid="notifications.reprice_failed"
    )
