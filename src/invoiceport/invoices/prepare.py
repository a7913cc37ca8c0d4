"""The first half of every write: a document into its stored form, with no database (pure).

`prepare` renders a validated invoice once into everything a write needs: its key, the filter
columns, the canonical bytes and their hash (`serialize`), and the `data` of its webhook event
(`webhooks.service.payload_data`, called here and nowhere else in ingest). `prepare_line` and
`prepare_lines` take untrusted NDJSON lines (decode, validate, prepare), which `invoiceport
import` runs in worker processes; a `Prepared` is a tuple, cheap to send between processes.

The second half is `invoices.service.store`: one transaction per batch of prepared documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from invoiceport.invoices import repository
from invoiceport.invoices.repository import Key
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.validation import InvoiceRejected, parse_document
from invoiceport.webhooks import service as webhooks


@dataclass(slots=True)
class Rejection:
    """A document that was not stored: its line (or array item) number from 1, and why."""

    line: int
    errors: list[str]


class Prepared(NamedTuple):
    """One valid document in its stored form."""

    key: Key
    values: tuple[Any, ...]  # repository.ROW_COLUMNS
    document: str
    content_hash: str
    credit_memo: bool
    event_data: bytes  # webhooks.service.payload_data
    line: int = 0  # the NDJSON line (or array item) it came from, counted from 1; 0: none

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
        return str(self.values[3])  # always set: validation defaults it to the customer number


def key_of(invoice: CanonicalInvoice) -> Key:
    return (invoice.environment, invoice.customer_number, invoice.invoice_number)


def serialize(invoice: CanonicalInvoice) -> tuple[bytes, str]:
    """The stored form of a document and its hash; equal documents give equal bytes.

    pydantic-core writes the JSON itself: the very bytes `orjson.dumps(invoice.model_dump(
    mode="json", exclude_none=True))` gives (compact, UTF-8 unescaped, amounts as decimal text;
    tests/test_prepare_corpus.py and test_storage.py hold them), without building the dict."""
    document = invoice.__pydantic_serializer__.to_json(invoice, exclude_none=True)
    return document, hashlib.sha256(document).hexdigest()


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


def prepare_line(
    number: int, raw: bytes, *, verify_totals: bool, max_line_bytes: int | None
) -> Prepared | Rejection | None:
    """One numbered NDJSON line: None when blank (skipped), a `Rejection` when over-long or
    invalid, else `Prepared`."""
    if not raw.strip():
        return None
    if max_line_bytes is not None and len(raw) > max_line_bytes:
        return Rejection(
            number, [f"body: {len(raw)} bytes, over the limit of {max_line_bytes} a document"]
        )
    try:
        invoice = parse_document(raw, verify_totals=verify_totals)
    except InvoiceRejected as exc:
        return Rejection(number, exc.errors)
    return prepare(invoice)._replace(line=number)


def prepare_lines(
    lines: Iterable[tuple[int, bytes]], *, verify_totals: bool, max_line_bytes: int | None
) -> list[Prepared | Rejection]:
    """`prepare_line` over numbered lines, blank ones left out."""
    out: list[Prepared | Rejection] = []
    for number, raw in lines:
        result = prepare_line(
            number, raw, verify_totals=verify_totals, max_line_bytes=max_line_bytes
        )
        if result is not None:
            out.append(result)
    return out
