"""Ingest: the one write pipeline, `prepare` (invoices.prepare, pure) then `store` (here).

The admin API (one document or NDJSON), `invoiceport import` and `invoiceport demo` all come
through `store`, so every change is made and announced the same way: one transaction per batch
that locks the batch's existing rows, decides created / updated / unchanged in order (a key
repeated in a batch sees its earlier version), writes new rows (the repository picks COPY or
executemany) and rewrites changed ones by id, records their webhook events (an outbox) and keeps
`invoice_counts` exact; retried when a concurrent writer created one of the keys first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, NamedTuple

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import repository
from invoiceport.invoices.prepare import (
    Prepared,
    Rejection,
    prepare,
    prepare_line,
    serialize,
)
from invoiceport.invoices.repository import ExistingRow, Key
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.trusted import rebuild
from invoiceport.platform.db import utcnow, write_transaction
from invoiceport.webhooks import service as webhooks

__all__ = [
    "BulkIngest",
    "BulkReport",
    "Outcome",
    "Rejection",
    "ensure_statistics",
    "serialize",
    "store",
    "store_batch",
    "upsert",
]

Result = Literal["created", "updated", "unchanged"]
MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    version: int


@dataclass(slots=True)
class BulkReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome.result, getattr(self, outcome.result) + 1)

    def as_json(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [{"line": r.line, "errors": r.errors} for r in self.rejected],
        }


class _Plan(NamedTuple):
    outcomes: list[Outcome]
    inserts: list[tuple[Any, ...]]  # repository.INSERT_COLUMNS
    updates: list[tuple[int, tuple[Any, ...]]]  # row id, repository.WRITE_COLUMNS
    written: list[Prepared]
    changes: list[webhooks.PreparedChange]


def _plan(batch: Sequence[Prepared], existing: dict[Key, ExistingRow], at: datetime) -> _Plan:
    """Decide, in order, what each document does; a key seen twice sees its earlier version."""
    state: dict[Key, tuple[int | None, str, int]] = {
        key: (row.id, row.content_hash, row.version) for key, row in existing.items()
    }
    outcomes: list[Outcome] = []
    inserts: dict[Key, tuple[Prepared, int]] = {}
    updates: list[tuple[int, Prepared, int]] = []
    changes: list[webhooks.PreparedChange] = []
    for doc in batch:
        key = doc.key
        current = state.get(key)
        result: Literal["created", "updated"]
        if current is None:
            result, version = "created", 1
            inserts[key] = (doc, version)
        elif current[1] == doc.content_hash:
            outcomes.append(Outcome("unchanged", current[2]))  # no write, no event
            continue
        else:
            result, version = "updated", current[2] + 1
            if current[0] is None:  # created earlier in this batch: insert the newest form
                inserts[key] = (doc, version)
            else:
                updates.append((current[0], doc, version))
        state[key] = (None if current is None else current[0], doc.content_hash, version)
        outcomes.append(Outcome(result, version))
        changes.append(_change(doc, result, version, at))
    # New rows go in in key order: a concurrent batch inserting some of the same keys then waits
    # on the first one they share and gets the duplicate key (and tries again) instead of each
    # holding a key the other needs (a deadlock), as it could in two different orders.
    new = [inserts[key] for key in sorted(inserts)]
    return _Plan(
        outcomes,
        [(*d.values, d.content_hash, d.document, v, at, at) for d, v in new],
        [(row_id, (*d.values, d.content_hash, d.document, v, at)) for row_id, d, v in updates],
        [d for d, _ in new] + [d for _, d, _ in updates],
        changes,
    )


def _change(
    doc: Prepared, result: Literal["created", "updated"], version: int, at: datetime
) -> webhooks.PreparedChange:
    return webhooks.PreparedChange(
        result,
        doc.credit_memo,
        doc.environment,
        doc.customer_number,
        doc.bill_to_account,
        doc.invoice_number,
        doc.event_data,
        version,
        at,
    )


async def store(engine: AsyncEngine, batch: Sequence[Prepared]) -> list[Outcome]:
    """Upsert prepared documents in one transaction; the outcomes come back in the order given."""
    if not batch:
        return []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with write_transaction(engine) as conn:
                # PostgreSQL: the existing rows locked in key order; SQLite: the transaction
                # began with BEGIN IMMEDIATE (write_transaction), so it is the only writer.
                existing = await repository.lock_existing(
                    conn, (doc.key for doc in batch), for_update=conn.dialect.name != "sqlite"
                )
                plan = _plan(batch, existing, utcnow())
                await repository.insert_rows(conn, plan.inserts)
                await repository.update_rows(conn, plan.updates)
                # The exact counts per customer and bill-to (page totals): contended rows,
                # locked late so that they are held a short time.
                await repository.add_counts(conn, repository.count_deltas(existing, plan.written))
                # Webhook events commit with the changes they announce, or not at all; last,
                # under the outbox lock held to the commit, so that event ids follow the
                # commit order (the change feed never misses an event: docs/native-api.md).
                await webhooks.record_prepared(conn, plan.changes)
                return plan.outcomes
        except IntegrityError:
            # Another writer created one of these keys after we looked: look again.
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def store_batch(engine: AsyncEngine, batch: Sequence[CanonicalInvoice]) -> list[Outcome]:
    """`store` for validated documents, prepared here."""
    return await store(engine, [prepare(invoice) for invoice in batch])


async def upsert(engine: AsyncEngine, invoice: CanonicalInvoice) -> Outcome:
    (outcome,) = await store(engine, [prepare(invoice)])
    return outcome


async def ensure_statistics(engine: AsyncEngine) -> None:
    """Give the planner statistics on a table that never had any (call after a first batch):
    see `repository.analyze_if_never_analyzed`."""
    async with write_transaction(engine) as conn:
        await repository.analyze_if_never_analyzed(conn)


class BulkIngest:
    """Feed raw NDJSON lines, validated documents or prepared ones; stores them in batches of
    `batch_size` (`store`); keeps the report.

    Good documents are stored even when others are rejected. Lines are counted from 1 by the
    caller; blank lines are skipped. `analyze_first`: after the first full batch, give a table
    that never had statistics some (`ensure_statistics`; for imports into a fresh database).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        verify_totals: bool = True,
        batch_size: int = 500,
        max_line_bytes: int | None = None,
        analyze_first: bool = False,
        check: Callable[[CanonicalInvoice], list[str]] | None = None,
    ) -> None:
        """`check`: a further check of each valid document (the e-invoice ingest check,
        `einvoice.ingest`); what it returns are the rejection's errors (run in a thread)."""
        self.engine = engine
        self.check = check
        self.verify_totals = verify_totals
        self.batch_size = batch_size
        self.max_line_bytes = max_line_bytes
        self.report = BulkReport()
        self._pending: list[Prepared] = []
        self._analyze = analyze_first

    async def add_raw(self, line: int, raw: bytes) -> None:
        result = prepare_line(
            line, raw, verify_totals=self.verify_totals, max_line_bytes=self.max_line_bytes
        )
        if result is not None:
            await self.add_result(result)

    async def add(self, invoice: CanonicalInvoice) -> None:
        await self.add_result(prepare(invoice))

    async def add_result(self, result: Prepared | Rejection) -> None:
        """A prepared document (stored with the next batch) or a rejection (reported)."""
        if isinstance(result, Rejection):
            self.report.rejected.append(result)
            return
        if self.check is not None:
            invoice = rebuild(CanonicalInvoice, orjson.loads(result.document))
            errors = await asyncio.to_thread(self.check, invoice)
            if errors:
                self.report.rejected.append(Rejection(result.line, errors))
                return
        self._pending.append(result)
        if len(self._pending) >= self.batch_size:
            await self.flush()
            if self._analyze:
                self._analyze = False
                await ensure_statistics(self.engine)

    def reject(self, line: int, errors: list[str]) -> None:
        self.report.rejected.append(Rejection(line, errors))

    async def flush(self) -> None:
        batch, self._pending = self._pending, []
        for outcome in await store(self.engine, batch):
            self.report.count(outcome)

    async def finish(self) -> BulkReport:
        await self.flush()
        return self.report
