"""The example app's events, as the rest of the project relays them: one class per event.

Receivers build them from the domain signals (signals.py), and every front end that delivers
events to users handles every type in EVENTS. An event travels as its wire form, a JSON object
such as `{"type": "item.created", "item": {...}}`; from_wire() reads one back and refuses, with
UnknownEvent, a type it does not know or a payload that does not fit its type, so a subscriber
skips (and logs) what it cannot read instead of failing on it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any, ClassVar, cast, get_type_hints

from .representations import DeletedItem, ItemBrief, to_json

# The events of a user travel on their own stream, as messages of this type.
STREAM_MESSAGE = "notification.send"


def user_stream(user_id: int) -> str:
    """The stream of one user's events: every front end that delivers them listens to it."""
    return f"notifications.user.{user_id}"


@dataclass(frozen=True, kw_only=True)
class ItemCreated:
    type: ClassVar[str] = "item.created"
    item: ItemBrief


@dataclass(frozen=True, kw_only=True)
class ItemUpdated:
    type: ClassVar[str] = "item.updated"
    item: ItemBrief


@dataclass(frozen=True, kw_only=True)
class ItemDeleted:
    type: ClassVar[str] = "item.deleted"
    item: DeletedItem


@dataclass(frozen=True, kw_only=True)
class CollectionRepriced:
    """A background reprice has converted the prices of a collection."""

    type: ClassVar[str] = "collection.repriced"
    task_id: str
    collection_id: int
    currency: str
    converted: int  # how many prices it changed


@dataclass(frozen=True, kw_only=True)
class CollectionRepriceFailed:
    """A background reprice gave up; `error` names the kind of error (its text is for the logs)."""

    type: ClassVar[str] = "collection.reprice_failed"
    task_id: str
    collection_id: int
    currency: str
    error: str


Event = ItemCreated | ItemUpdated | ItemDeleted | CollectionRepriced | CollectionRepriceFailed
EVENTS: dict[str, type[Event]] = {
    event.type: event
    for event in (
        ItemCreated,
        ItemUpdated,
        ItemDeleted,
        CollectionRepriced,
        CollectionRepriceFailed,
    )
}


class UnknownEvent(ValueError):
    """A wire form of a type this version does not know, or whose payload does not fit its type."""


def to_wire(event: Event) -> dict[str, Any]:
    """The event as a JSON object: its type, then its payload (decimals and times as strings)."""
    return {"type": event.type, **to_json(event)}


def from_wire(data: Any) -> Event:
    """The event a wire form stands for; keys the event does not have (`sent_at`) are ignored."""
    kind = data.get("type") if isinstance(data, Mapping) else None
    event_class = EVENTS.get(str(kind))
    if event_class is None:
        raise UnknownEvent(f"unknown event type {kind!r}")
    try:
        return cast(Event, _from_json(event_class, data))
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise UnknownEvent(f"malformed {event_class.type} event: {error!r}") from error


def _from_json(kind: Any, value: Any) -> Any:
    if isinstance(kind, type) and is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(**{f.name: _from_json(hints[f.name], value[f.name]) for f in fields(kind)})
    if kind is Decimal:
        return Decimal(value)
    if kind in (int, str) and not isinstance(value, kind):
        raise TypeError(f"{value!r} is not {kind.__name__}")
    return value
