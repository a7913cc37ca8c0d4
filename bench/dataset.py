"""The benchmark's PostgreSQL dataset: one million invoices in their exact stored form, by COPY.

    .venv/bin/python bench/dataset.py [--url postgresql://postgres@127.0.0.1:5432/invoiceport_bench]
                                      [--invoices 1000000] [--rebuild]

Documents are real canonical invoices: a few dozen templates from `ops.demo` (three lines
each), copied with a new number, customer, dates and PO (`model_copy`, no re-validation) and stored
with `invoices.service.serialize` - the very function ingest uses - so `document` and
`content_hash` are exactly what `invoiceport import` would have written. Rows go in with asyncpg's
binary COPY while a second process builds the next batch; the secondary indexes are dropped first
and rebuilt after (faster than maintaining them row by row), and the per-customer and per-bill-to
counts that ingest would have kept (`invoice_counts`) are then counted in one statement. A dataset
of the right size is reused.

Layout: 1,000 customers `90-000000` ... `90-000999`; `90-000000` holds 200,000 invoices, the rest
share 800,000. Invoice dates span the last 240 days (inside Ingram's nine-month look-back); four
consecutive invoices of a customer share a PO number.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

if TYPE_CHECKING:
    from invoiceport.invoices.schemas import CanonicalInvoice

# Only building the rows (`templates`, `rows`, `columns`) imports invoiceport's modules, so that
# reusing a built dataset needs nothing but the CLI and survives a reorganised package.
INVOICEPORT = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "invoiceport"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/invoiceport_bench"
INVOICES = 1_000_000
CUSTOMERS = 1_000
BIG = 200_000
BATCH = 25_000
DAYS = 240


def columns() -> tuple[str, ...]:
    """What `invoiceport import` writes for a new row, in the same order (invoices.repository)."""
    from invoiceport.invoices import repository

    return tuple(repository.INSERT_COLUMNS)


FILL_COUNTS = """
    INSERT INTO invoice_counts (scope, environment, account, n)
    SELECT 'customer', environment, customer_number, count(*) FROM invoices
    GROUP BY environment, customer_number
    UNION ALL
    SELECT 'bill_to', environment, bill_to_account, count(*) FROM invoices
    GROUP BY environment, bill_to_account
"""


def customer(number: int) -> str:
    return f"90-{number:06d}"


BIG_CUSTOMER = customer(0)


def customer_of(i: int, total: int = INVOICES) -> str:
    """Invoices 0..BIG-1 (scaled) belong to the big customer; the rest rotate over the others."""
    big = total // 5
    return BIG_CUSTOMER if i < big else customer(1 + (i - big) % (CUSTOMERS - 1))


def invoice_number(i: int) -> str:
    return f"IN{i:010d}-001"


def po_number(i: int) -> str:
    return f"PO{i // 4:08d}"


_TEMPLATES: list[CanonicalInvoice] = []


def templates() -> list[CanonicalInvoice]:
    """Invoiced (dated) production demo invoices with three lines each."""
    from invoiceport.ops.demo import demo_invoices

    if not _TEMPLATES:
        for doc in demo_invoices(seed=8, count=600, today=date(2026, 6, 30)):
            if doc.environment == "production" and doc.invoice_date and len(doc.lines) == 3:
                _TEMPLATES.append(doc)
    return _TEMPLATES


def rows(start: int, stop: int, total: int, today: date) -> list[tuple[Any, ...]]:
    """The COPY records of invoices start..stop-1."""
    from invoiceport.invoices import repository
    from invoiceport.invoices.service import serialize

    base = templates()
    at = datetime.now(UTC)
    out = []
    for i in range(start, stop):
        number = customer_of(i, total)
        day = today - timedelta(days=(i * 7) % DAYS)
        ordered = datetime(day.year, day.month, day.day, 9, tzinfo=UTC) - timedelta(days=2)
        invoice = base[i % len(base)].model_copy(
            update={
                "invoice_number": invoice_number(i),
                "customer_number": number,
                "bill_to_account": number,
                "sales_order_number": f"{2_000_000_000 + i:010d}",
                "po_number": po_number(i),
                "invoice_date": day,
                "due_date": day + timedelta(days=30),
                "order_date": ordered,
            }
        )
        document, content_hash = serialize(invoice)
        # INSERT_COLUMNS: the filter columns as every write path takes them, then the stored form.
        out.append((*repository.row_values(invoice), content_hash, document.decode(), 1, at, at))
    return out


async def ensure_database(url: str) -> None:
    """CREATE DATABASE when missing (connecting to the server's `postgres` database)."""
    server, _, name = url.rpartition("/")
    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(f"{server}/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
    else:
        await conn.close()


def migrate(url: str) -> None:
    """`invoiceport db upgrade`: the schema as the server would make it."""
    subprocess.run(
        [str(INVOICEPORT), "--database", url, "db", "upgrade"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM invoices"))
    finally:
        await conn.close()


async def load(url: str, total: int, *, log: bool = True) -> float:
    """Empty the invoices table and COPY `total` invoices in; returns the seconds it took."""
    today = datetime.now(UTC).date()
    started = time.perf_counter()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("TRUNCATE invoices RESTART IDENTITY CASCADE")
        await conn.execute("TRUNCATE invoice_counts")
        indexes = await conn.fetch(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = 'invoices' AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""
        )
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        loop = asyncio.get_running_loop()
        names = columns()
        with ProcessPoolExecutor(max_workers=1) as pool:
            starts = list(range(0, total, BATCH))
            pending = loop.run_in_executor(pool, rows, 0, min(BATCH, total), total, today)
            for n, start in enumerate(starts):
                batch = await pending
                if n + 1 < len(starts):
                    nxt = starts[n + 1]
                    pending = loop.run_in_executor(
                        pool, rows, nxt, min(nxt + BATCH, total), total, today
                    )
                await conn.copy_records_to_table("invoices", records=batch, columns=names)
                if log:
                    done = start + len(batch)
                    rate = done / (time.perf_counter() - started)
                    print(f"  {done:>9,} invoices ({rate:,.0f}/s)", file=sys.stderr, flush=True)
        for index in indexes:
            await conn.execute(index["indexdef"])
        # COPY bypasses ingest, which keeps the per-customer and per-bill-to counts that page
        # totals are read from (migration 0005): count them once, as the migration would.
        await conn.execute(FILL_COUNTS)
        # VACUUM sets the visibility map, so counts can be index-only scans as in a settled table.
        await conn.execute("VACUUM (ANALYZE) invoices")
        await conn.execute("VACUUM (ANALYZE) invoice_counts")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def build(url: str, total: int = INVOICES, *, rebuild: bool = False) -> str:
    """Make sure the dataset exists; says whether it was reused or built and how long it took."""
    await ensure_database(url)
    migrate(url)
    have = await count(url)
    if have == total and not rebuild:
        return f"reused ({have:,} invoices)"
    seconds = await load(url, total)
    return f"built {total:,} invoices in {seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--invoices", type=int, default=INVOICES)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    print(asyncio.run(build(args.url, args.invoices, rebuild=args.rebuild)))


if __name__ == "__main__":
    main()
