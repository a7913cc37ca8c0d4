"""The floors: the least a server can do for a detail and for a first page, under the same uvicorn
settings as invoiceport.

A raw ASGI app (no framework) on an asyncpg pool:

* `GET /detail/{customerNumber}/{invoiceNumber}` runs the same unique-key lookup as invoiceport's
  ScanSource detail route and returns the stored JSON document as it is;
* `GET /page/events/{customerNumber}/{n}` reads the customer's first n events of the outbox,
  oldest first, as the change feed pages them, each as one JSON object made by PostgreSQL;
* `GET /page/customer/{customerNumber}/{n}` reads the first n stored documents of a customer in
  the order of a ScanSource summary or list page (newest invoice date first), and
  `GET /page/bill_to/{account}/{n}` those of a bill-to account in the order of an ABC Supply
  history page (newest order date first), with the statement invoiceport's
  `invoices.repository.filters.search` issues for a first page, and returns them joined into one
  JSON array.

No authentication, no parsing, no count of the matches, no re-serialisation: whatever invoiceport
does beyond this is its overhead. bench/run.py checks that a page floor returns the very rows of
the server's first page before it compares them.

    INVOICEPORT_DATABASE_URL=postgresql://... uvicorn bench.floor_app:app --workers 2
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg

DETAIL = (
    "SELECT document FROM invoices "
    "WHERE environment = 'production' AND customer_number = $1 AND invoice_number = $2"
)
# A first page as invoiceport reads it: newest first, ties by invoice number then id, both
# descending (the order its newest-first indexes hold, migration 0004).
PAGES = {
    "customer": (
        "SELECT document FROM invoices "
        "WHERE environment = 'production' AND customer_number = $1 "
        "ORDER BY invoice_date DESC NULLS LAST, invoice_number DESC, id DESC LIMIT $2"
    ),
    "bill_to": (
        "SELECT document FROM invoices "
        "WHERE environment = 'production' AND bill_to_account = $1 "
        "ORDER BY order_date DESC NULLS LAST, invoice_number DESC, id DESC LIMIT $2"
    ),
    # The change feed's page floor: the first n events of an account, oldest first, each the
    # columns a feed item shows as one JSON object made by PostgreSQL.
    "events": (
        "SELECT row_to_json(e)::text FROM (SELECT id, event_type, customer_number, "
        "invoice_number, version, created_at FROM webhook_events "
        "WHERE environment = 'production' AND customer_number = $1 ORDER BY id LIMIT $2) e"
    ),
}
MAX_ROWS = 1_000  # the change feed's page (bench/scenarios.py FEED_PAGE)
_pool: Any = None


async def _no_reset(_connection: Any) -> None:
    """No `RESET ALL` round trip when a connection returns to the pool: a single read leaves no
    session state to reset (the comparison is with a server pool that does the same)."""


async def _respond(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Any, send: Any) -> None:
    global _pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            url = os.environ["INVOICEPORT_DATABASE_URL"]
            _pool = await asyncpg.create_pool(url, min_size=2, max_size=10, reset=_no_reset)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _detail(send: Any, customer_number: str, invoice_number: str) -> None:
    async with _pool.acquire() as conn:
        document = await conn.fetchval(DETAIL, customer_number, invoice_number)
    if document is None:
        await _respond(send, 404, b'{"message":"not found"}')
    else:
        await _respond(send, 200, document.encode())


async def _page(send: Any, scope: str, account: str, rows: str) -> None:
    if scope not in PAGES or not rows.isdigit() or not 1 <= int(rows) <= MAX_ROWS:
        await _respond(send, 404, b'{"message":"not found"}')
        return
    async with _pool.acquire() as conn:
        records = await conn.fetch(PAGES[scope], account, int(rows))
    body = "[" + ",".join(record[0] for record in records) + "]"
    await _respond(send, 200, body.encode())


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    parts = scope["path"].split("/")
    if len(parts) == 4 and parts[1] == "detail":
        await _detail(send, parts[2], parts[3])
    elif len(parts) == 5 and parts[1] == "page":
        await _page(send, parts[2], parts[3], parts[4])
    else:
        await _respond(send, 404, b'{"message":"not found"}')
