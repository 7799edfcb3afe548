"""Domain events of the example app, sent by its services once the transaction has committed.

Other parts of the project (notifications, background work) connect receivers to these instead
of being called from the services, so the services read the same whatever the layers.
"""

from django.dispatch import Signal

# Sent with `item` (an Item with its collection and creator loaded).
item_created = Signal()
item_updated = Signal()
# Sent with `item_id`, `collection_id` and `owner_id`: the row is gone by then.
item_deleted = Signal()
