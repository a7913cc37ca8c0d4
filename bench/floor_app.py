"""The floor: the least a server can do for the detail route, under the same uvicorn settings.

A raw ASGI app (no framework): `GET /detail/{customerNumber}/{invoiceNumber}` runs the same
unique-key lookup as invoiceport's ScanSource detail route with an asyncpg pool and returns the
stored JSON document as it is. No authentication, no parsing, no re-serialisation: whatever
invoiceport does beyond this is its overhead.

    INVOICEPORT_DATABASE_URL=postgresql://... uvicorn bench.floor_app:app --workers 2
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg

QUERY = (
    "SELECT document FROM invoices "
    "WHERE environment = 'production' AND customer_number = $1 AND invoice_number = $2"
)
_pool: Any = None


async def _no_reset(_connection: Any) -> None:
    """No `RESET ALL` round trip when a connection returns to the pool (as invoiceport's
    fast path, `db.RawPool`): a single read leaves no session state to reset."""


async def _respond(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    global _pool
    if scope["type"] == "lifespan":
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
    parts = scope["path"].split("/")
    if len(parts) != 4 or parts[1] != "detail":
        await _respond(send, 404, b'{"message":"not found"}')
        return
    async with _pool.acquire() as conn:
        document = await conn.fetchval(QUERY, parts[2], parts[3])
    if document is None:
        await _respond(send, 404, b'{"message":"not found"}')
    else:
        await _respond(send, 200, document.encode())
