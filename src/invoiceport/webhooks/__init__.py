"""Signed invoice webhooks: outbox events, subscriptions, delivery worker (docs/webhooks.md)."""
