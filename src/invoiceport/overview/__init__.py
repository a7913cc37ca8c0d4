"""What the supplier's console shows across customers: invoice counts, the last ingests, the
documents ingest rejected (kept with their per-field errors) and an invoice lookup."""
