"""The fast paths' SQL: one statement per request, run on `db.RawPool` (asyncpg, no SQLAlchemy).

The tables are those of `invoices/tables.py` and `partners/tables.py`; `tests/scansource/
test_fast_path.py` runs every statement here against the migrated schema on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from invoiceport.db import RawPool

# The API key, whether its partner is granted the customer, and the invoice, in one round trip.
# The invoice is looked up only when the grant exists (the ungranted answer reads nothing more),
# and its document and dates come back only when its (version, updated_at) is not the one the
# caller already has rendered ($5, $6; NULL for none): most reads of an unchanged invoice then
# move a few bytes. updated_at as well as the version: a row deleted and written again (a demo
# reset, a restored database) starts again at version 1.
INVOICE_FOR_API_KEY = """
SELECT k.partner_id, k.key_hash, g.customer_number IS NOT NULL AS granted, i.version,
       CASE WHEN changed THEN i.id END AS id,
       CASE WHEN changed THEN i.document END AS document,
       CASE WHEN changed THEN i.created_at END AS created_at,
       CASE WHEN changed THEN i.updated_at END AS updated_at
FROM api_keys AS k
LEFT JOIN partner_customers AS g
       ON g.partner_id = k.partner_id AND g.customer_number = $2
LEFT JOIN invoices AS i
       ON g.customer_number IS NOT NULL
      AND i.environment = $4 AND i.customer_number = $2 AND i.invoice_number = $3
CROSS JOIN LATERAL (
    SELECT (i.version, i.updated_at) IS DISTINCT FROM ($5::integer, $6::timestamptz) AS changed
) AS c
WHERE k.key_hash = $1 AND k.revoked_at IS NULL
"""


async def invoice_for_api_key(
    pool: RawPool,
    key_hash: str,
    environment: str,
    customer_number: str,
    invoice_number: str,
    known: tuple[int, datetime] | None,
) -> Any:
    """The row (partner_id, key_hash, granted, version, id, document, created_at, updated_at)
    of an unrevoked key with this hash, or None. The last four are NULL when the invoice's
    (version, updated_at) is `known` (or there is no such invoice)."""
    version, updated_at = known if known is not None else (None, None)
    return await pool.fetchrow(
        INVOICE_FOR_API_KEY,
        key_hash,
        customer_number,
        invoice_number,
        environment,
        version,
        updated_at,
    )
