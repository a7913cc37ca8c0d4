"""A corpus of awkward documents through what a worker of `invoiceport import` does to each line
(`prepare.prepare_lines`: decode, validate, render), pinned by digest: every rejection's errors,
and for every accepted document its key, filter columns, stored bytes, hash and event `data`.

A change to validation or to the stored form that is meant to keep both (a faster path) must
keep this digest; one that changes them on purpose updates it and says so in its commit. The
corpus: a document that uses every field, then each of its values (every path, lines and nested
objects included) replaced by each awkward value below, then documents with three at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from invoiceport.invoices.prepare import Prepared, Rejection, prepare_lines
from invoiceport.ops.demo import demo_invoices
from tests.factories import with_every_field

# What a supplier might put anywhere: numbers of every JSON form, text with the characters the
# checks look at, the wrong types, and the edges of dates, amounts and lengths.
AWKWARD: list[Any] = [
    None, True, False, 0, 1, -1, 7, 10_000_001, 2**63, -(2**63) - 1, 10**30,
    0.5, 1.25, -0.0, 1e-7, 1e20, 12.345, 0.1 + 0.2,
    "", " ", "a", "A1", " lead", "trail ", "a/b", "x\ty", "x\ny", "nul\x00", "\x7f", "\x85",
    "\u200b", "\ufeff", "é", "日本", "\U0001f600", "a" * 81, "a" * 256, "b" * 5000,
    "0", "-1", "1.00", "-0.00", "1.005", "1e3", "NaN", "Infinity", "12345678901234567.00",
    "0.0000001", "+5", " 5", "5 ", "1,000.00", "a@b.co", "a@@b", "@b.co", "A@B.CO ", "a@b",
    "2026-02-29", "2024-02-29", "2026-13-01", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00",
    "2026-10-01T10:00:00+14:00", "10/01/2026", "USD", "usd", "EUR", "XXX",
    [], [1], ["a", "b"], {}, {"a": 1}, [{}],
]  # fmt: skip
SEED = 6843
TRIPLES = 3000


def full_document() -> dict[str, Any]:
    """A valid document that uses every field (as in test_validation's contract test)."""
    doc = next(iter(demo_invoices(seed=3, count=1, today=date(2026, 10, 15)))).model_dump(
        mode="json", exclude_none=True
    )
    return with_every_field(doc)


Place = tuple[str | int, ...]


def paths(value: Any, prefix: Place = ()) -> Iterator[Place]:
    """Every place in the document: each object member and list item, containers included."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield (*prefix, name)
            yield from paths(item, (*prefix, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def replaced(doc: Any, path: Place, value: Any) -> Any:
    if not path:
        return value
    copy: Any = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = replaced(doc[path[0]], path[1:], value)
    return copy


def corpus() -> list[bytes]:
    base = full_document()
    places = list(paths(base))
    docs = [base] + [replaced(base, path, value) for path in places for value in AWKWARD]
    rng = random.Random(SEED)
    for _ in range(TRIPLES):
        doc = base
        for path in rng.sample(places, 3):
            # An earlier change may have removed the place: then it stays as it is.
            with contextlib.suppress(KeyError, IndexError, TypeError):
                doc = replaced(doc, path, rng.choice(AWKWARD))
        docs.append(doc)
    return [json.dumps(doc, ensure_ascii=False).encode() + b"\n" for doc in docs]


def fingerprint(result: Prepared | Rejection) -> bytes:
    if isinstance(result, Rejection):
        return repr(("rejected", result.line, result.errors)).encode()
    return repr(
        (
            result.line,
            result.key,
            result.values,
            result.document,
            result.content_hash,
            result.credit_memo,
            result.event_data,
        )
    ).encode()


# Recorded with the code of 2026-12-02 (before the import's faster path, issue 12 point 6).
DOCUMENTS = 16913
ACCEPTED = 5149
DIGEST = "da6f5d439ca5d3ffa44bf5e95614fc6c0dd84bb2546d908d8a07300d9034899c"


def test_the_corpus_prepares_as_pinned() -> None:
    lines = corpus()
    results = prepare_lines(enumerate(lines, start=1), verify_totals=True, max_line_bytes=None)
    digest = hashlib.sha256()
    for result in results:
        digest.update(fingerprint(result))
        digest.update(b"\0")
    accepted = sum(isinstance(r, Prepared) for r in results)
    assert (len(lines), len(results), accepted) == (DOCUMENTS, DOCUMENTS, ACCEPTED)
    assert digest.hexdigest() == DIGEST
