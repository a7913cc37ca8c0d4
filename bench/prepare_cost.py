"""The per-document CPU cost of preparing a document for storage, step by step, in one process.

    .venv/bin/python bench/prepare_cost.py [--docs 5000] [--rounds 5]

Documents are the import benchmark's (bench/dataset.py: demo invoices with three lines, as the
NDJSON lines `invoiceport import` reads). Each step runs over all of them; the figure is the best
of `--rounds` in CPU time of this process (other work on a shared machine counts little):

- decode: `validation.decode_json` (orjson, plus the float and depth walk)
- pydantic: `CanonicalInvoice.model_validate` of the decoded documents
- parse: `validation.parse_document` (decode, pydantic, consistency and arithmetic checks)
- serialize: `prepare.serialize` (the stored bytes and their hash) of validated documents
- event data: `webhooks.service.payload_data` of validated documents
- file check: the check of a line before anything is stored (`ops.imports`)
- prepare: `prepare.prepare_lines`, everything a worker of `invoiceport import` does per line
  after the file check
- pickle: the prepared results there and back, as between a worker and the main process
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import dataset

from invoiceport.dialects.abcsupply import register_webhook_payloads
from invoiceport.invoices import prepare
from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.invoices.validation import decode_json, parse_document
from invoiceport.ops.importfile import check_line
from invoiceport.webhooks.service import payload_data


def best_us(step: Callable[[], object], count: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    register_webhook_payloads()  # the event's data (the CLI registers it too)
    records = dataset.rows(0, args.docs, args.docs * 5, datetime.now(UTC).date())
    index = dataset.columns().index("document")
    lines = [str(record[index]).encode() + b"\n" for record in records]
    decoded = [decode_json(line) for line in lines]
    numbered = list(enumerate(lines, start=1))
    invoices = [parse_document(line) for line in lines]
    prepared = prepare.prepare_lines(numbered, verify_totals=True, max_line_bytes=None)
    path = Path("bench.ndjson")
    steps: dict[str, Callable[[], object]] = {
        "decode": lambda: [decode_json(line) for line in lines],
        "pydantic": lambda: [CanonicalInvoice.model_validate(d) for d in decoded],
        "parse": lambda: [parse_document(line) for line in lines],
        "serialize": lambda: [prepare.serialize(i) for i in invoices],
        "event data": lambda: [payload_data(i) for i in invoices],
        "file check": lambda: [check_line(path, n, line) for n, line in numbered],
        "prepare": lambda: prepare.prepare_lines(numbered, verify_totals=True, max_line_bytes=None),
        "pickle": lambda: pickle.loads(pickle.dumps(prepared, protocol=5)),  # noqa: S301
    }
    print(f"{args.docs} documents of {sum(map(len, lines)) // args.docs} bytes, best of rounds")
    for name, step in steps.items():
        print(f"{name:10s} {best_us(step, args.docs, args.rounds):7.1f} us a document")


if __name__ == "__main__":
    main()
