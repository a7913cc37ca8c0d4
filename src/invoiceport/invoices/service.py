"""Ingest: validated canonical invoices into the store, idempotently, in batches.

The admin API, the bulk endpoint, `invoiceport import` and `invoiceport demo` all come through here,
so every change is made and announced (a webhook event in the same transaction) the same way.
Each batch is one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.db import utcnow, write_transaction
from invoiceport.invoices import repository
from invoiceport.invoices.repository import ExistingRow, Key, NewRow
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.validation import InvoiceRejected, parse_document
from invoiceport.webhooks import service as webhooks

Result = Literal["created", "updated", "unchanged"]
MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    version: int


@dataclass(slots=True)
class Rejection:
    line: int
    errors: list[str]


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


def key_of(invoice: CanonicalInvoice) -> Key:
    return (invoice.environment, invoice.customer_number, invoice.invoice_number)


def serialize(invoice: CanonicalInvoice) -> tuple[bytes, str]:
    """The stored form of a document and its hash; equal documents give equal bytes."""
    document = orjson.dumps(invoice.model_dump(mode="json", exclude_none=True))
    return document, hashlib.sha256(document).hexdigest()


def _plan(
    batch: Sequence[CanonicalInvoice], existing: dict[Key, ExistingRow], at: datetime
) -> tuple[list[Outcome], list[NewRow], list[tuple[int, NewRow]]]:
    """Decide, in order, what each document does; a key seen twice sees its earlier version."""
    state: dict[Key, tuple[int | None, str, int]] = {
        key: (row.id, row.content_hash, row.version) for key, row in existing.items()
    }
    outcomes: list[Outcome] = []
    inserts: dict[Key, NewRow] = {}
    updates: list[tuple[Key, NewRow]] = []
    for invoice in batch:
        key = key_of(invoice)
        document, content_hash = serialize(invoice)
        current = state.get(key)
        if current is None:
            row = NewRow(invoice, document, content_hash, 1, at)
            inserts[key] = row
            state[key] = (None, content_hash, 1)
            outcomes.append(Outcome("created", 1))
        elif current[1] == content_hash:
            outcomes.append(Outcome("unchanged", current[2]))
        else:
            version = current[2] + 1
            row = NewRow(invoice, document, content_hash, version, at)
            if current[0] is None:  # created earlier in this batch: insert the newest form
                inserts[key] = row
            else:
                updates.append((key, row))
            state[key] = (current[0], content_hash, version)
            outcomes.append(Outcome("updated", version))
    update_rows = [(existing[key].id, row) for key, row in updates]
    # New keys in key order: two batches inserting the same new keys then wait for each other in
    # one order (the second fails on the unique key and is retried) instead of deadlocking.
    return outcomes, [inserts[key] for key in sorted(inserts)], update_rows


def _changes(
    batch: Sequence[CanonicalInvoice], outcomes: Sequence[Outcome], at: datetime
) -> list[webhooks.Change]:
    """Created and updated documents get an event; unchanged ones do not."""
    changes = []
    for invoice, outcome in zip(batch, outcomes, strict=True):
        if outcome.result != "unchanged":
            changes.append(webhooks.Change(outcome.result, invoice, outcome.version, at))
    return changes


async def store_batch(engine: AsyncEngine, batch: Sequence[CanonicalInvoice]) -> list[Outcome]:
    """Upsert documents in one transaction; the outcomes come back in the order given."""
    if not batch:
        return []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with write_transaction(engine) as conn:
                existing = await repository.lock_existing(
                    conn, (key_of(i) for i in batch), for_update=conn.dialect.name != "sqlite"
                )
                at = utcnow()
                outcomes, inserts, updates = _plan(batch, existing, at)
                await repository.insert_many(conn, inserts)
                await repository.update_many(conn, updates)
                # Webhook events commit with the changes they announce, or not at all.
                await webhooks.record_changes(conn, _changes(batch, outcomes, at))
                # The exact counts per customer and bill-to (page totals), last: their rows are
                # the batch's most contended locks, so they are held the shortest time.
                written = [row.invoice for row in inserts] + [row.invoice for _, row in updates]
                await repository.add_counts(conn, repository.count_deltas(existing, written))
                return outcomes
        except IntegrityError:
            # Another writer created one of these keys after we looked: look again.
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def upsert(engine: AsyncEngine, invoice: CanonicalInvoice) -> Outcome:
    (outcome,) = await store_batch(engine, [invoice])
    return outcome


class BulkIngest:
    """Feed raw NDJSON lines (or decoded documents); stores them in batches; keeps the report.

    Good documents are stored even when others are rejected. Lines are counted from 1 by the
    caller; blank lines are skipped.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        verify_totals: bool = True,
        batch_size: int = 500,
        max_line_bytes: int | None = None,
    ) -> None:
        self.engine = engine
        self.verify_totals = verify_totals
        self.batch_size = batch_size
        self.max_line_bytes = max_line_bytes
        self.report = BulkReport()
        self._pending: list[CanonicalInvoice] = []

    async def add_raw(self, line: int, raw: bytes) -> None:
        if not raw.strip():
            return
        if self.max_line_bytes is not None and len(raw) > self.max_line_bytes:
            self.reject(
                line,
                [f"body: {len(raw)} bytes, over the limit of {self.max_line_bytes} a document"],
            )
            return
        try:
            invoice = parse_document(raw, verify_totals=self.verify_totals)
        except InvoiceRejected as exc:
            self.reject(line, exc.errors)
            return
        await self.add(invoice)

    async def add(self, invoice: CanonicalInvoice) -> None:
        self._pending.append(invoice)
        if len(self._pending) >= self.batch_size:
            await self.flush()

    def reject(self, line: int, errors: list[str]) -> None:
        self.report.rejected.append(Rejection(line, errors))

    async def flush(self) -> None:
        batch, self._pending = self._pending, []
        for outcome in await store_batch(self.engine, batch):
            self.report.count(outcome)

    async def finish(self) -> BulkReport:
        await self.flush()
        return self.report
