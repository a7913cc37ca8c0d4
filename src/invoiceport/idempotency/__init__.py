"""Idempotency keys (the IETF `Idempotency-Key` draft) for the admin API's writes: a retried
request is answered from the first one's stored answer, in every server process."""
