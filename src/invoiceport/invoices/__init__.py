"""Canonical invoices: model, code tables, validation, storage and ingest."""
