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

Two rungs between the detail floor and invoiceport's detail route split that overhead (the same
invoices and API key as the ScanSource JSON detail; each answers the stored document as it is,
kept per invoice with the version it read, as the render cache keeps a view):

* `GET /rung/statement/{customerNumber}/{invoiceNumber}`: invoiceport's own detail statement
  (`reads.repository.detail`: the API key's digest, its partner's grant of the customer, the
  invoice, its document only when the version kept differs) on this app's asyncpg pool;
* `GET /rung/token/{customerNumber}/{invoiceNumber}`: the same statement for a bearer token
  (`Authorization: Bearer ...`, as the Ingram and ABC Supply routes authenticate: the token's
  digest, unexpired, its client not revoked), on the same pool;
* `GET /rung/service/{customerNumber}/{invoiceNumber}`: invoiceport's read service
  (`reads.service.access`) on the engine `invoiceport serve` builds (`platform.db`: SQLAlchemy's
  pool, an idle connection taken without a greenlet, the database timeout), the whole of a
  detail's read.

What the route adds beyond the second rung is the dialect kit's request handling (dispatch,
pipeline, rate limit, view, render cache, metrics, the answer's headers).

    INVOICEPORT_DATABASE_URL=postgresql://... uvicorn bench.floor_app:app --workers 2
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.partners.credentials import digest
from invoiceport.platform import db
from invoiceport.reads import repository
from invoiceport.reads.service import ByKey, Presented, access
from invoiceport.settings import Settings

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
_engine: AsyncEngine | None = None  # the rung `service`'s, made on its first request
# The rungs: invoiceport's detail statement (an API key or a bearer token, its grant, the
# invoice by key, known version), compiled once as `platform.db.fetch` compiles it.
_RUNGS = {
    kind: db._compiled(repository.detail(kind, "key", known=True, grant=True), PGDialect_asyncpg())
    for kind in ("api_key", "bearer")
}
_kept: dict[tuple[str, str], tuple[tuple[int, datetime], bytes]] = {}  # (stamp, document)


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
            if _engine is not None:
                await _engine.dispose()
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


def _header(scope: dict[str, Any], wanted: bytes) -> str:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode())
    return ""


def _api_key(scope: dict[str, Any]) -> str:
    return _header(scope, b"ocp-apim-subscription-key")


def _token(scope: dict[str, Any]) -> str:
    return _header(scope, b"authorization").removeprefix("Bearer ")


async def _rung_statement(
    send: Any, kind: str, secret: str, customer_number: str, invoice_number: str
) -> None:
    sql, names, own = _RUNGS[kind]
    kept = _kept.get((customer_number, invoice_number))
    stamp = kept[0] if kept is not None else (0, datetime(1900, 1, 1, tzinfo=UTC))
    values = {
        "secret_hash": digest(secret),
        "now": datetime.now(UTC),
        "grant_account": customer_number,
        "environment": "production",
        "account": customer_number,
        "number": invoice_number,
        "known_version": stamp[0],
        "known_updated_at": stamp[1],
    }
    args = [values[name] if name in values else own[name] for name in names]
    async with _pool.acquire() as conn:
        row = await conn.fetchrow(sql, *args)
    if row is None or row["partner_id"] is None:
        await _respond(send, 401, b'{"message":"invalid credential"}')
    elif not row["granted"]:
        await _respond(send, 403, b'{"message":"not granted"}')
    elif row["id"] is None:
        await _respond(send, 404, b'{"message":"not found"}')
    else:
        if row["document"] is not None:
            kept = ((row["version"], row["updated_at"]), row["document"].encode())
            _kept[(customer_number, invoice_number)] = kept
        assert kept is not None
        await _respond(send, 200, kept[1])


async def _rung_service(send: Any, key: str, customer_number: str, invoice_number: str) -> None:
    global _engine
    if _engine is None:
        _engine = db.create_engine(Settings())
    kept = _kept.get((customer_number, invoice_number))
    found = await access(
        _engine,
        Presented("api_key", key),
        datetime.now(UTC),
        ByKey("production", customer_number, invoice_number),
        kept[0] if kept is not None else None,
        account=customer_number,
        seconds=5.0,
    )
    if found.principal is None:
        await _respond(send, 401, b'{"message":"invalid key"}')
    elif customer_number not in found.principal.customer_numbers:
        await _respond(send, 403, b'{"message":"not granted"}')
    elif found.invoice is not None:
        stored = found.invoice
        kept = ((stored.version, stored.updated_at), stored.document)
        _kept[(customer_number, invoice_number)] = kept
        await _respond(send, 200, stored.document)
    elif found.unchanged is not None and kept is not None:
        await _respond(send, 200, kept[1])
    else:
        await _respond(send, 404, b'{"message":"not found"}')


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    parts = scope["path"].split("/")
    if len(parts) == 4 and parts[1] == "detail":
        await _detail(send, parts[2], parts[3])
    elif len(parts) == 5 and parts[1] == "rung" and parts[2] == "statement":
        await _rung_statement(send, "api_key", _api_key(scope), parts[3], parts[4])
    elif len(parts) == 5 and parts[1] == "rung" and parts[2] == "token":
        await _rung_statement(send, "bearer", _token(scope), parts[3], parts[4])
    elif len(parts) == 5 and parts[1] == "rung" and parts[2] == "service":
        await _rung_service(send, _api_key(scope), parts[3], parts[4])
    elif len(parts) == 5 and parts[1] == "page":
        await _page(send, parts[2], parts[3], parts[4])
    else:
        await _respond(send, 404, b'{"message":"not found"}')
