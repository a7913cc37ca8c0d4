"""Vendor dialects: routes and views over the canonical store; no SQL here."""
