"""The stored invoice counts (`invoice_counts`, migration 0005) that page totals are read from:
always exactly `count(*)` of the matches, whatever writes did, on both databases."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import queries, repository
from invoiceport.invoices import service as invoice_service
from invoiceport.invoices.prepare import prepare
from invoiceport.invoices.repository.filters import InvoiceQuery, count_scope
from invoiceport.invoices.service import BulkIngest, store_batch
from invoiceport.invoices.tables import invoice_counts, invoices
from invoiceport.invoices.validation import parse_document
from invoiceport.ops.migrate import upgrade
from invoiceport.platform.db import create_engine, utcnow, write_transaction
from invoiceport.settings import Settings
from tests.conftest import _admin, _server_url
from tests.factories import invoice_doc

Counts = dict[tuple[str, str, str], int]


def doc(number: str, customer: str = "C100", bill_to: str | None = None, **fields: Any) -> Any:
    raw = invoice_doc(number, customer, **fields)
    if bill_to is not None:
        raw["bill_to_account"] = bill_to
    return parse_document(json.dumps(raw))


async def counted(engine: AsyncEngine) -> Counts:
    """What `invoice_counts` should hold: `count(*)` per customer and per bill-to account."""
    c = invoices.c
    expected: Counts = {}
    async with engine.connect() as conn:
        for scope, column in (("customer", c.customer_number), ("bill_to", c.bill_to_account)):
            query = select(c.environment, column, func.count()).group_by(c.environment, column)
            for environment, account, n in (await conn.execute(query)).all():
                expected[(scope, environment, account)] = n
    return expected


async def stored(engine: AsyncEngine) -> Counts:
    """What `invoice_counts` holds, without its zero rows (an account that had invoices)."""
    t = invoice_counts.c
    async with engine.connect() as conn:
        rows = (await conn.execute(select(t.scope, t.environment, t.account, t.n))).all()
    return {(r.scope, r.environment, r.account): r.n for r in rows if r.n != 0}


async def assert_exact(engine: AsyncEngine) -> Counts:
    """Every stored count is its `count(*)`, and the totals pages show are those counts."""
    expected = await counted(engine)
    assert await stored(engine) == expected
    for (scope, environment, account), n in expected.items():
        if scope == "customer":
            query = InvoiceQuery(environment=environment, customer_numbers=(account,))
        else:
            query = InvoiceQuery(environment=environment, bill_to_accounts=(account,))
        page = await queries.search(engine, query, page=1, page_size=1)
        assert page.total == n, (scope, environment, account)
    return expected


async def test_creates_updates_and_moves_between_bill_to_accounts(engine: AsyncEngine) -> None:
    await store_batch(
        engine,
        [
            doc("A1"),
            doc("A2", bill_to="B1"),
            doc("A3", bill_to="B1"),
            doc("S1", environment="sandbox"),
            doc("D1", customer="C200", bill_to="C100"),  # a bill-to that is another customer
        ],
    )
    assert await assert_exact(engine) == {
        ("customer", "production", "C100"): 3,
        ("customer", "production", "C200"): 1,
        ("customer", "sandbox", "C100"): 1,
        ("bill_to", "production", "C100"): 2,
        ("bill_to", "production", "B1"): 2,
        ("bill_to", "sandbox", "C100"): 1,
    }
    # Moves, a change that keeps the bill-to, an unchanged document, and a new one.
    await store_batch(
        engine,
        [
            doc("A1", bill_to="B2"),
            doc("A2", bill_to="B1", po_number="changed"),
            doc("A3"),
            doc("S1", environment="sandbox"),
            doc("A4", bill_to="B2"),
        ],
    )
    assert await assert_exact(engine) == {
        ("customer", "production", "C100"): 4,
        ("customer", "production", "C200"): 1,
        ("customer", "sandbox", "C100"): 1,
        ("bill_to", "production", "C100"): 2,  # A3 and D1
        ("bill_to", "production", "B1"): 1,
        ("bill_to", "production", "B2"): 2,
        ("bill_to", "sandbox", "C100"): 1,
    }


async def test_a_key_repeated_in_a_batch_counts_once_in_its_last_form(engine: AsyncEngine) -> None:
    await store_batch(engine, [doc("E1", bill_to="B1"), doc("E2", bill_to="B1")])
    await store_batch(
        engine,
        [
            # new in this batch, moved twice before it is stored
            doc("N1", bill_to="B1"),
            doc("N1", bill_to="B2"),
            doc("N1", bill_to="B3"),
            # existing: moved away and back again (no change to any count)
            doc("E1", bill_to="B2"),
            doc("E1", bill_to="B1"),
            # existing: moved twice
            doc("E2", bill_to="B2"),
            doc("E2", bill_to="B3"),
            doc("E2", bill_to="B3"),
        ],
    )
    assert await assert_exact(engine) == {
        ("customer", "production", "C100"): 3,
        ("bill_to", "production", "B1"): 1,
        ("bill_to", "production", "B3"): 2,
    }


async def test_rejected_documents_and_failed_batches_count_nothing(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk = BulkIngest(engine, batch_size=2)
    lines = [invoice_doc("A"), invoice_doc("BAD", total="1.00"), {"x": 1}, invoice_doc("B")]
    for number, raw in enumerate(lines, start=1):
        await bulk.add_raw(number, json.dumps(raw).encode())
    report = await bulk.finish()
    assert report.created == 2 and len(report.rejected) == 2
    assert (await assert_exact(engine))[("customer", "production", "C100")] == 2

    # A batch that fails after its counts were added leaves neither invoices nor counts behind.
    add_counts = repository.add_counts

    async def add_then_fail(conn: Any, deltas: Any) -> None:
        await add_counts(conn, deltas)
        raise RuntimeError("the batch fails after counting")

    monkeypatch.setattr(invoice_service.repository, "add_counts", add_then_fail)
    with pytest.raises(RuntimeError):
        await store_batch(engine, [doc("C"), doc("A", bill_to="B9")])
    monkeypatch.undo()
    assert (await assert_exact(engine))[("customer", "production", "C100")] == 2


async def test_concurrent_batches_keep_every_count_exact(engine: AsyncEngine) -> None:
    """Several batches at once (on PostgreSQL really concurrent: row locks, ON CONFLICT on the
    same count rows), each creating invoices of the same customers and moving shared invoices
    between the same bill-to accounts."""
    await store_batch(engine, [doc(f"S{i}", bill_to=f"B{i % 3}") for i in range(12)])

    def batch(n: int) -> list[Any]:
        new = [doc(f"N{n}-{i}", customer=f"C{i % 2}", bill_to=f"B{(n + i) % 4}") for i in range(8)]
        # Half the batches move the even shared invoices, half the odd ones: batches of different
        # halves hold no row lock the other needs, and meet on the same count rows.
        moved = [
            doc(f"S{i}", bill_to=f"B{(n + i) % 4}", po_number=f"P{n}")
            for i in range(12)
            if i % 2 == n % 2
        ]
        return new + moved if n % 2 else moved + new

    for _ in range(3):
        await asyncio.gather(*(store_batch(engine, batch(n)) for n in range(6)))
        expected = await assert_exact(engine)
    assert expected[("customer", "production", "C100")] == 12
    assert expected[("customer", "production", "C0")] == 24


async def test_a_wrong_stored_count_is_noticed_and_is_what_pages_show(engine: AsyncEngine) -> None:
    """The check above can fail; and pages really read the stored count (only for a query of one
    customer or one bill-to account alone: anything else is counted)."""
    await store_batch(engine, [doc("A1"), doc("A2", po_number="P2"), doc("A3", bill_to="B1")])
    async with write_transaction(engine) as conn:
        t = invoice_counts.c
        await conn.execute(
            update(invoice_counts)
            .where(t.scope == "customer", t.account == "C100")
            .values(n=t.n + 40)
        )
    with pytest.raises(AssertionError):
        await assert_exact(engine)

    async def total(**fields: Any) -> int:
        query = InvoiceQuery(environment="production", **fields)
        return (await queries.search(engine, query, page=1, page_size=10)).total

    assert await total(customer_numbers=("C100",)) == 43  # the stored (here corrupted) count
    assert await total(bill_to_accounts=("B1",)) == 1
    assert await total(customer_numbers=("C100",), po_number="P2") == 1
    assert await total(customer_numbers=("C100",), invoice_date_from=None) == 43
    assert await total(customer_numbers=("C100",), sales_order_number="SO-77") == 3
    # A customer number and a bill-to account together (as Ingram asks): their union, counted.
    assert await total(customer_numbers=("C100",), bill_to_accounts=("C100",)) == 3
    assert await total(customer_numbers=("C100", "C200")) == 3
    assert await total(bill_to_accounts=("B1", "C100")) == 3
    assert await total(customer_numbers=("nobody",)) == 0
    assert await total(bill_to_accounts=("nobody",)) == 0


def test_only_an_unfiltered_single_account_query_has_a_stored_count() -> None:
    q = InvoiceQuery
    key = count_scope
    assert key(q("production", customer_numbers=("C1",))) == ("customer", "production", "C1")
    assert key(q("sandbox", bill_to_accounts=("B1",))) == ("bill_to", "sandbox", "B1")
    assert key(q("production", customer_numbers=("C1",), bill_to_accounts=("C1",))) is None
    assert key(q("production", customer_numbers=("C1", "C2"))) is None
    assert key(q("production")) is None
    filters: dict[str, Any] = {
        "invoice_number": "I",
        "sales_order_number": "S",
        "po_number": "P",
        "invoice_date_from": "2026-01-01",
        "invoice_date_to": "2026-01-01",
        "order_date_from": "2026-01-01T00:00:00Z",
        "order_date_to": "2026-01-01T00:00:00Z",
        "status": "paid",
        "document_type": "credit_memo",
        "serial_number": "SN-1",
        "original_invoice_number": "I-0",
        "dated_from": "2026-01-01",
        "due_date_from": "2026-01-01",
        "due_date_to": "2026-01-01",
        "end_user_po_number": "E",
        "delivery_number": "D",
        "special_bid_number": "B",
        "updated_from": "2026-01-01T00:00:00Z",
        "updated_to": "2026-01-01T00:00:00Z",
        "granted_to": 1,
    }
    assert set(filters) | {"environment", "customer_numbers", "bill_to_accounts"} == set(
        q.__dataclass_fields__
    ), "a new InvoiceQuery field: add it here"
    for name, value in filters.items():
        assert key(q("production", customer_numbers=("C1",), **{name: value})) is None, name
        assert key(q("production", bill_to_accounts=("B1",), **{name: value})) is None, name


# -- the migration's backfill


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database without any schema (the migration test builds it step by step)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    request.getfixturevalue("postgres_database")  # skips (or fails under CI) without PostgreSQL
    name = f"invoiceport_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    yield _server_url(name)
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def fresh_engine(fresh_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(Settings(database_url=fresh_url, _env_file=None))  # type: ignore[call-arg]
    yield engine
    await engine.dispose()


COLUMNS_SINCE_0004 = ("due_date", "original_invoice_number")  # migration 0010


async def test_the_migration_counts_the_invoices_already_stored(fresh_engine: AsyncEngine) -> None:
    await upgrade(fresh_engine, "0004")
    rows = []
    for i in range(30):
        invoice = doc(
            f"I{i}",
            customer=f"C{i % 4}",
            bill_to=f"B{i % 3}" if i % 5 else None,
            environment="sandbox" if i % 7 == 0 else "production",
        )
        prepared = prepare(invoice)
        at = utcnow()
        values = dict(zip(repository.ROW_COLUMNS, prepared.values, strict=True))
        old = [values[c] for c in repository.ROW_COLUMNS if c not in COLUMNS_SINCE_0004]
        rows.append((*old, prepared.content_hash, prepared.document, 1, at, at))
    columns = [c for c in repository.INSERT_COLUMNS if c not in COLUMNS_SINCE_0004]
    async with write_transaction(fresh_engine) as conn:
        # As release 0004 stored them: its columns, and no counts.
        await repository.copy_rows(conn, invoices, columns, rows)
    await upgrade(fresh_engine)
    expected = await assert_exact(fresh_engine)
    assert sum(n for (scope, _, _), n in expected.items() if scope == "customer") == 30
    assert sum(n for (scope, _, _), n in expected.items() if scope == "bill_to") == 30
    assert ("bill_to", "sandbox", "B1") in expected and ("customer", "sandbox", "C3") in expected
    # ... and the writes after it keep them.
    await store_batch(fresh_engine, [doc("I1", customer="C1", bill_to="B0"), doc("I99")])
    await assert_exact(fresh_engine)
