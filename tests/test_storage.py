"""The store on both databases: exact money, idempotent upserts, migrations matching the models."""

from __future__ import annotations

import asyncio
import json
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, MetaData, String, select
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import repository
from invoiceport.invoices.repository import filters
from invoiceport.invoices.service import BulkIngest, store_batch, upsert
from invoiceport.invoices.tables import invoices
from invoiceport.invoices.validation import parse_document
from invoiceport.ops.migrate import current_revision, pending_changes, upgrade
from invoiceport.platform.models import metadata
from tests.factories import invoice_doc

KEY = ("production", "C100", "INV-1001")


def money_doc() -> bytes:
    """Amounts as JSON numbers with digits a float would lose or change."""
    doc = invoice_doc(subtotal=None, tax=None, freight=None, total=None)
    doc["lines"] = [
        {"line_number": 1, "quantity": 1, "unit_price": 0, "extended_price": 0},
        {"line_number": 2, "quantity": 3, "unit_price": 0, "extended_price": 0},
        {"line_number": 3, "quantity": 7, "unit_price": 0, "extended_price": 0},
    ]
    raw = json.dumps({k: v for k, v in doc.items() if v is not None})
    raw = raw.replace(
        '"unit_price": 0, "extended_price": 0}', '"unit_price": PRICE, "extended_price": EXT}'
    )
    for price, ext in (("0.10", "0.10"), ("411522.5967", "1234567.7901"), ("1.2345", "8.6415")):
        raw = raw.replace("PRICE", price, 1).replace("EXT", ext, 1)
    return raw.replace('"lines"', '"tax": 0.10, "total": 1234576.64, "lines"').encode()


async def test_money_round_trips_exactly(engine: AsyncEngine) -> None:
    invoice = parse_document(money_doc())
    await upsert(engine, invoice)
    async with engine.connect() as conn:
        stored = await repository.get(conn, KEY)
        total = (await conn.execute(select(invoices.c.total))).scalar_one()
    assert stored is not None
    data = stored.as_json()
    assert [line["unit_price"] for line in data["lines"]] == ["0.10", "411522.5967", "1.2345"]
    assert [line["extended_price"] for line in data["lines"]] == ["0.10", "1234567.7901", "8.6415"]
    assert data["tax"] == "0.10"
    assert data["total"] == "1234576.64"
    assert total == Decimal("1234576.64") and str(total) == "1234576.64"
    assert stored.invoice().lines[1].unit_price == Decimal("411522.5967")


async def test_upsert_is_idempotent_and_versions_changes(engine: AsyncEngine) -> None:
    doc = invoice_doc()
    first = await upsert(engine, parse_document(json.dumps(doc)))
    again = await upsert(engine, parse_document(json.dumps(doc)))
    async with engine.connect() as conn:
        before = await repository.get(conn, KEY)
    assert (first.result, first.version) == ("created", 1)
    assert (again.result, again.version) == ("unchanged", 1)
    await asyncio.sleep(0.01)
    changed = await upsert(engine, parse_document(json.dumps(invoice_doc(po_number="PO-56"))))
    async with engine.connect() as conn:
        after = await repository.get(conn, KEY)
    assert (changed.result, changed.version) == ("updated", 2)
    assert before is not None and after is not None
    assert before.version == 1 and after.version == 2
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at
    assert after.invoice().po_number == "PO-56"


async def test_null_and_absent_fields_are_the_same_document(engine: AsyncEngine) -> None:
    await upsert(engine, parse_document(json.dumps(invoice_doc())))
    outcome = await upsert(engine, parse_document(json.dumps(invoice_doc(order_name=None))))
    assert outcome.result == "unchanged"


async def test_a_batch_sees_its_own_earlier_documents(engine: AsyncEngine) -> None:
    docs = [
        invoice_doc(),
        invoice_doc(po_number="B"),
        invoice_doc(po_number="B"),
        invoice_doc("I2"),
    ]
    outcomes = await store_batch(engine, [parse_document(json.dumps(d)) for d in docs])
    assert [(o.result, o.version) for o in outcomes] == [
        ("created", 1),
        ("updated", 2),
        ("unchanged", 2),
        ("created", 1),
    ]
    async with engine.connect() as conn:
        stored = await repository.get(conn, KEY)
    assert stored is not None and stored.version == 2 and stored.invoice().po_number == "B"


async def test_concurrent_writers_never_lose_a_version(engine: AsyncEngine) -> None:
    await upsert(engine, parse_document(json.dumps(invoice_doc())))
    versions = [parse_document(json.dumps(invoice_doc(po_number=f"P{i}"))) for i in range(6)]
    outcomes = await asyncio.gather(*(upsert(engine, v) for v in versions))
    assert sorted(o.version for o in outcomes) == [2, 3, 4, 5, 6, 7]
    async with engine.connect() as conn:
        stored = await repository.get(conn, KEY)
    assert stored is not None and stored.version == 7


async def test_concurrent_batches_of_the_same_new_keys_do_not_deadlock(
    engine: AsyncEngine,
) -> None:
    """Each batch holds the same new keys in its own order; new rows go in in key order, so the
    later batches wait, fail on the unique key, are retried and update: no deadlock, no lost
    version."""
    keys = 300

    def batch(po: str) -> list[Any]:
        docs = [invoice_doc(f"K{i:03d}", po_number=po) for i in range(keys)]
        random.Random(po).shuffle(docs)
        return [parse_document(json.dumps(doc)) for doc in docs]

    results = await asyncio.gather(*(store_batch(engine, batch(po)) for po in ("P1", "P2", "P3")))
    versions = sorted(o.version for outcomes in results for o in outcomes)
    assert versions == [1] * keys + [2] * keys + [3] * keys


async def test_bulk_ingest_stores_good_documents_and_names_bad_lines(engine: AsyncEngine) -> None:
    bulk = BulkIngest(engine, batch_size=2, max_line_bytes=10_000)
    bad = invoice_doc("BAD", total="1.00")
    lines = [invoice_doc("A"), bad, {"x": 1}, invoice_doc("B"), invoice_doc("C")]
    for number, doc in enumerate(lines, start=1):
        await bulk.add_raw(number, json.dumps(doc).encode())
    await bulk.add_raw(6, b"   ")
    await bulk.add_raw(7, b"{" + b" " * 10_001 + b"}")
    report = await bulk.finish()
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert [r.line for r in report.rejected] == [2, 3, 7]
    assert report.rejected[0].errors[0].startswith("total: expected 4904.90")
    assert "invoice_number: required" in report.rejected[1].errors
    assert "over the limit of 10000" in report.rejected[2].errors[0]
    async with engine.connect() as conn:
        assert await repository.get(conn, ("production", "C100", "BAD")) is None
        assert await repository.get(conn, ("production", "C100", "C")) is not None


async def test_search_orders_newest_first_and_filters(engine: AsyncEngine) -> None:
    dates = ["2026-10-01", "2026-10-03", "2026-10-02", "2026-10-03"]
    docs = [
        invoice_doc(f"N{i}", invoice_date=d, due_date="2026-12-01", po_number=f"P{i % 2}")
        for i, d in enumerate(dates)
    ]
    await store_batch(engine, [parse_document(json.dumps(d)) for d in docs])
    query = filters.InvoiceQuery(environment="production", customer_numbers=("C100",))
    async with engine.connect() as conn:
        page = await filters.search(conn, query, offset=0, limit=10)
        total = await filters.count(conn, query)
        filtered = filters.InvoiceQuery(
            environment="production", customer_numbers=("C100",), po_number="P1"
        )
        by_po = await filters.search(conn, filtered, offset=0, limit=10)
    assert total == 4
    assert [s.invoice().invoice_number for s in page] == ["N3", "N1", "N2", "N0"]
    assert [s.invoice().invoice_number for s in by_po] == ["N3", "N1"]


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    assert await current_revision(engine) is not None
    await upgrade(engine)  # running again is harmless
    assert await pending_changes(engine) == []


async def test_the_model_check_notices_a_difference(engine: AsyncEngine) -> None:
    """The guard above can fail: a column only the models have is reported."""
    drifted = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["invoices"].append_column(Column("surprise", String(10)))
    changes = await pending_changes(engine, drifted)
    assert any(change[0] == "add_column" and change[3].name == "surprise" for change in changes)


async def test_migration_0006_gives_existing_clients_and_tokens_the_ingram_scope(
    engine: AsyncEngine,
) -> None:
    """Every client and token made before 0006 could read Ingram invoices; they still can."""
    from alembic import command
    from sqlalchemy.engine import Connection

    from invoiceport.ops.migrate import alembic_config
    from invoiceport.partners import repository as partners
    from invoiceport.partners.tables import oauth_clients, oauth_tokens
    from invoiceport.platform.db import utcnow, write_transaction

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0005")

    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    now = utcnow()
    async with write_transaction(engine) as conn:
        partner = await partners.insert_partner(conn, "Old", now)
        for n, scopes in enumerate(
            (["invoice.history.read", "invoice.webhooks.manage"], ["invoice.read"])
        ):
            await partners.insert_oauth_client(conn, partner, f"c{n}", "h", scopes, now)
            row = await partners.active_oauth_client_row(conn, f"c{n}")
            assert row is not None
            await partners.insert_oauth_token(
                conn,
                token_hash=f"t{n}",
                client_row_id=row[0],
                partner_id=partner,
                scopes=scopes,
                created_at=now,
                expires_at=now,
            )
    await upgrade(engine)
    async with engine.connect() as conn:
        clients = (await conn.execute(select(oauth_clients.c.scopes).order_by("id"))).scalars()
        tokens = (await conn.execute(select(oauth_tokens.c.scopes).order_by("id"))).scalars()
        found = [*clients, *tokens]
    assert (
        found
        == [
            "invoice.history.read invoice.webhooks.manage invoice.read",
            "invoice.read",  # had it already: unchanged
        ]
        * 2
    )
    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    await upgrade(engine)  # again: nothing is added twice
    async with engine.connect() as conn:
        again = (await conn.execute(select(oauth_clients.c.scopes).order_by("id"))).scalars()
        assert list(again) == found[:2]


async def test_migration_0011_puts_the_listed_columns_in_the_customer_index(
    engine: AsyncEngine,
) -> None:
    """On PostgreSQL the customer's newest-first index holds the portal's listed columns after
    0011 and not after its downgrade; on SQLite (no INCLUDE) it is the same index either way.
    (Alembic's model comparison does not look at INCLUDE, so this is checked here.)"""
    from alembic import command
    from sqlalchemy import inspect
    from sqlalchemy.engine import Connection

    from invoiceport.ops.migrate import alembic_config

    def included(connection: Connection) -> list[str] | None:
        for index in inspect(connection).get_indexes("invoices"):
            if index["name"] == "ix_invoices_customer_newest":
                options: dict[str, Any] = dict(index.get("dialect_options", {}))
                return sorted(options.get("postgresql_include", []))
        return None  # no such index

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0010")

    listed = ["currency", "document_type", "due_date", "po_number"]
    listed += ["sales_order_number", "status", "total"]
    postgres = engine.dialect.name == "postgresql"
    async with engine.connect() as conn:
        assert await conn.run_sync(included) == (listed if postgres else [])
    async with engine.begin() as connection:
        await connection.run_sync(downgrade)
    async with engine.connect() as conn:
        assert await conn.run_sync(included) == []
    await upgrade(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(included) == (listed if postgres else [])
    assert await pending_changes(engine) == []
