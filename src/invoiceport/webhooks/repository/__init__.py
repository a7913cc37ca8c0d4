"""All SQL about webhooks. Functions take a connection; the caller owns the transaction.

One module per concern, all re-exported here (`repository.insert_events(...)`):
`endpoints` (subscriptions and their state), `outbox` (events and their fan-out), `sending`
(the worker's claims and attempts), `deliveries` (what a partner lists, and replays).

Claiming work (events to fan out, deliveries to send) locks rows with `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers take disjoint rows without waiting for each other; on SQLite the
caller's `BEGIN IMMEDIATE` serialises claims instead (`lock=False` there).
"""

from invoiceport.webhooks.repository.deliveries import (
    count_deliveries,
    get_delivery,
    list_attempts,
    list_deliveries,
    requeue_delivery,
)
from invoiceport.webhooks.repository.endpoints import (
    count_endpoints,
    delete_endpoint,
    disable_endpoint,
    enable_endpoint,
    endpoint_failed,
    endpoint_succeeded,
    get_endpoint,
    insert_endpoint,
    list_endpoints,
    rotate_secret,
    stored_secret,
)
from invoiceport.webhooks.repository.feed import FeedRow, feed_head, feed_rows
from invoiceport.webhooks.repository.outbox import (
    EVENT_COLUMNS,
    EventRef,
    Subscriber,
    claim_undispatched,
    copy_events,
    insert_deliveries,
    insert_events,
    lock_outbox,
    mark_dispatched,
    prune_events,
    subscribers,
    undispatched_exist,
)
from invoiceport.webhooks.repository.sending import (
    Job,
    abandon_open_attempts,
    cancel_deliveries,
    claim_due,
    due_exist,
    finish_attempts,
    jobs,
    settle_deliveries,
    start_attempts,
)

__all__ = [
    "EVENT_COLUMNS",
    "EventRef",
    "FeedRow",
    "Job",
    "Subscriber",
    "abandon_open_attempts",
    "cancel_deliveries",
    "claim_due",
    "claim_undispatched",
    "copy_events",
    "count_deliveries",
    "count_endpoints",
    "delete_endpoint",
    "disable_endpoint",
    "due_exist",
    "enable_endpoint",
    "endpoint_failed",
    "endpoint_succeeded",
    "feed_head",
    "feed_rows",
    "finish_attempts",
    "get_delivery",
    "get_endpoint",
    "insert_deliveries",
    "insert_endpoint",
    "insert_events",
    "jobs",
    "list_attempts",
    "list_deliveries",
    "list_endpoints",
    "lock_outbox",
    "mark_dispatched",
    "prune_events",
    "requeue_delivery",
    "rotate_secret",
    "settle_deliveries",
    "start_attempts",
    "stored_secret",
    "subscribers",
    "undispatched_exist",
]
