"""Bulk ingest for `invoiceport import`: documents prepared in worker processes, stored by COPY.

The work is split in two so that each half runs where it is cheapest:

- `prepare_lines` (CPU only, no database; run in worker processes by `invoiceport.imports`):
  each NDJSON line is decoded and validated exactly as `BulkIngest.add_raw` does it
  (`validation.parse_document`), then rendered once into what is stored: the filter columns,
  the canonical bytes and their hash (`service.serialize`, the very function `store_batch` uses)
  and the `data` of its webhook event (`webhooks.service.payload_data`). A rejected line becomes a
  `Rejection` naming its line.
- `store_prepared` (one transaction per batch, like `service.store_batch`): lock the batch's
  existing rows, decide created / updated / unchanged in order (a key repeated in a batch sees its
  earlier version), write new rows and their outbox events by COPY on PostgreSQL (executemany on
  SQLite), rewrite changed rows by id, keep `invoice_counts` exact; retried when a concurrent
  writer created one of the keys first.

The outcome is the same as feeding the lines to `service.BulkIngest`: the same stored bytes,
versions, timestamps, events and counts (tests/test_bulk_import.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.db import utcnow, write_transaction
from invoiceport.invoices import repository
from invoiceport.invoices.repository import ExistingRow, Key
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.service import MAX_ATTEMPTS, Outcome, Rejection, key_of, serialize
from invoiceport.invoices.validation import InvoiceRejected, parse_document
from invoiceport.webhooks import service as webhooks


class Prepared(NamedTuple):
    """One valid document in its stored form (a tuple: cheap to send between processes)."""

    key: Key
    values: tuple[Any, ...]  # repository.ROW_COLUMNS
    document: str
    content_hash: str
    credit_memo: bool
    event_data: bytes  # webhooks.service.payload_data

    @property
    def environment(self) -> str:
        return self.key[0]

    @property
    def customer_number(self) -> str:
        return self.key[1]

    @property
    def invoice_number(self) -> str:
        return self.key[2]

    @property
    def bill_to_account(self) -> str:
        return str(self.values[3])


def prepare(invoice: CanonicalInvoice) -> Prepared:
    document, content_hash = serialize(invoice)
    return Prepared(
        key_of(invoice),
        repository.row_values(invoice),
        document.decode(),
        content_hash,
        invoice.is_credit_memo,
        webhooks.payload_data(invoice),
    )


def prepare_lines(
    lines: Iterable[tuple[int, bytes]], *, verify_totals: bool, max_line_bytes: int | None
) -> list[Prepared | Rejection]:
    """Each numbered line as `BulkIngest.add_raw` takes it: blank lines are skipped, an over-long
    or invalid one is a `Rejection`, a valid one is `Prepared`."""
    out: list[Prepared | Rejection] = []
    for number, raw in lines:
        if not raw.strip():
            continue
        if max_line_bytes is not None and len(raw) > max_line_bytes:
            out.append(
                Rejection(
                    number,
                    [f"body: {len(raw)} bytes, over the limit of {max_line_bytes} a document"],
                )
            )
            continue
        try:
            invoice = parse_document(raw, verify_totals=verify_totals)
        except InvoiceRejected as exc:
            out.append(Rejection(number, exc.errors))
            continue
        out.append(prepare(invoice))
    return out


class _Plan(NamedTuple):
    outcomes: list[Outcome]
    inserts: list[tuple[Any, ...]]  # repository.INSERT_COLUMNS
    updates: list[tuple[int, tuple[Any, ...]]]  # row id, repository.WRITE_COLUMNS
    written: list[Prepared]
    changes: list[webhooks.PreparedChange]


def _plan(batch: Sequence[Prepared], existing: dict[Key, ExistingRow], at: datetime) -> _Plan:
    """`service._plan` for prepared documents: what each does, in order."""
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
            outcomes.append(Outcome("unchanged", current[2]))
            continue
        else:
            result, version = "updated", current[2] + 1
            if current[0] is None:  # created earlier in this batch: insert the newest form
                inserts[key] = (doc, version)
            else:
                updates.append((current[0], doc, version))
        state[key] = (None if current is None else current[0], doc.content_hash, version)
        outcomes.append(Outcome(result, version))
        changes.append(
            webhooks.PreparedChange(
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
        )
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


async def ensure_statistics(engine: AsyncEngine) -> None:
    """Give the planner statistics on a table that never had any (call after a first batch):
    see `repository.analyze_if_never_analyzed`."""
    async with write_transaction(engine) as conn:
        await repository.analyze_if_never_analyzed(conn)


async def store_prepared(engine: AsyncEngine, batch: Sequence[Prepared]) -> list[Outcome]:
    """Upsert prepared documents in one transaction; the outcomes come back in the order given."""
    if not batch:
        return []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with write_transaction(engine) as conn:
                existing = await repository.lock_existing(
                    conn, (doc.key for doc in batch), for_update=conn.dialect.name != "sqlite"
                )
                plan = _plan(batch, existing, utcnow())
                await repository.copy_new_rows(conn, plan.inserts)
                await repository.update_rows(conn, plan.updates)
                # Webhook events commit with the changes they announce, or not at all.
                await webhooks.record_prepared(conn, plan.changes)
                # The exact counts last, as in store_batch: their rows are the most contended.
                await repository.add_counts(conn, repository.count_deltas(existing, plan.written))
                return plan.outcomes
        except IntegrityError:
            # Another writer created one of these keys after we looked: look again.
            if attempt == MAX_ATTEMPTS:
                raise
    raise AssertionError("unreachable")
