"""Domain signals of the example app, sent once the change they announce has committed.

The services send the item signals; the background reprice job, where the project runs one, sends
the collection signals when it ends. Other parts of the project (notifications, background work)
connect receivers to these instead of being called from the services, so the services read the
same whatever the layers; events.py defines what those receivers relay.
"""

from django.dispatch import Signal

# Sent with `item` (an Item with its collection and creator loaded).
item_created = Signal()
item_updated = Signal()
# Sent with `item_id`, `collection_id` and `owner_id`: the row is gone by then.
item_deleted = Signal()
# Sent with `user_id` (who asked for the reprice) and `event`: its events.CollectionRepriced or
# events.CollectionRepriceFailed.
collection_repriced = Signal()
collection_reprice_failed = Signal()
