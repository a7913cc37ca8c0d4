"""The console's views across customers, and the record of rejected documents."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.overview import repository
from invoiceport.platform.db import read_connection, write_transaction

EXCERPT = 2_000
KEEP = timedelta(days=30)
_NUMBER = re.compile(rb'"(customer_number|invoice_number)"\s*:\s*"([^"\\]{1,64})"')


@dataclass(frozen=True, slots=True)
class Rejected:
    id: int
    received_at: datetime
    source: str
    line: int | None
    customer_number: str | None
    invoice_number: str | None
    errors: list[str]
    excerpt: str


def _numbers(raw: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _NUMBER.finditer(raw[:65_536]):
        found.setdefault(match.group(1).decode(), match.group(2).decode("utf-8", "replace"))
    return found


async def record_rejections(
    engine: AsyncEngine,
    source: str,
    rejected: Sequence[tuple[int | None, list[str], bytes]],
    now: datetime,
) -> None:
    """Keep what ingest refused, (line, errors, raw document) each, for the console; rows older
    than 30 days go. A document's text is cut to 2,000 characters and freed of NUL."""
    rows = []
    for line, errors, raw in rejected:
        numbers = _numbers(raw)
        excerpt = raw[:EXCERPT].decode("utf-8", "replace").replace("\x00", "\ufffd")
        rows.append(
            {
                "received_at": now,
                "source": source,
                "line": line,
                "customer_number": numbers.get("customer_number"),
                "invoice_number": numbers.get("invoice_number"),
                "errors": orjson.dumps([e.replace("\x00", "\ufffd") for e in errors]).decode(),
                "excerpt": excerpt,
            }
        )
    async with write_transaction(engine) as conn:
        await repository.prune_rejections(conn, now - KEEP)
        await repository.insert_rejections(conn, rows)


async def rejections(engine: AsyncEngine, limit: int = 50) -> list[Rejected]:
    async with read_connection(engine) as conn:
        rows = await repository.rejections(conn, limit)
    return [
        Rejected(
            r.id,
            r.received_at,
            r.source,
            r.line,
            r.customer_number,
            r.invoice_number,
            orjson.loads(r.errors),
            r.excerpt,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Dashboard:
    counts: list[tuple[str, str, str | None, int]]
    latest: list[Any]
    rejected: list[Rejected]


async def dashboard(engine: AsyncEngine) -> Dashboard:
    async with read_connection(engine) as conn:
        counts = await repository.counts_by_status(conn)
        latest = await repository.latest(conn, 10)
    return Dashboard(counts, latest, await rejections(engine, 20))


async def lookup(engine: AsyncEngine, number: str) -> list[Any]:
    async with read_connection(engine) as conn:
        return await repository.by_number(conn, number, 100)
