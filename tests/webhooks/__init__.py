"""Webhooks: outbox, subscriptions, signing, delivery worker."""
