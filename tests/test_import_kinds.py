"""`invoiceport import` of a single pretty-printed JSON document and of JSON arrays, with its
progress counted in documents (issue 17), on both databases."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.invoices import queries
from invoiceport.ops.importfile import ImportFileError, file_kind
from invoiceport.ops.imports import import_file
from tests.factories import invoice_doc
from tests.test_cli import run


async def test_a_pretty_printed_document(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(invoice_doc("PRETTY-1", total="10.00"), indent=2))
    assert file_kind(path) == "document"
    report = await import_file(engine, path, verify_totals=False)
    assert (report.created, report.rejected) == (1, [])
    stored = await queries.get_invoice(engine, "production", "C100", "PRETTY-1")
    assert stored is not None
    again = await import_file(engine, path, verify_totals=False)
    assert again.unchanged == 1


async def test_a_pretty_printed_array(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "many.txt"  # the content decides, not the name
    path.write_text(json.dumps([invoice_doc("A-1"), {"x": 1}, invoice_doc("A-2")], indent=4))
    assert file_kind(path) == "array"
    report = await import_file(engine, path)
    assert (report.created, [r.line for r in report.rejected]) == (2, [2])


async def test_a_rejected_document_and_a_truncated_one(engine: AsyncEngine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**invoice_doc(), "currency": "usd"}, indent=2))
    report = await import_file(engine, bad)
    assert [(r.line, r.errors) for r in report.rejected] == [(1, [report.rejected[0].errors[0]])]
    assert report.rejected[0].errors[0].startswith("currency:")
    truncated = tmp_path / "cut.json"
    truncated.write_text(json.dumps(invoice_doc(), indent=2)[:-30])
    with pytest.raises(ImportFileError, match=r"not valid JSON \(.* at line \d+ column \d+\); "):
        await import_file(engine, truncated)


async def test_progress_counts_documents(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "docs.ndjson"
    path.write_text("".join(json.dumps(invoice_doc(f"N-{i}")) + "\n\n" for i in range(7)))
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    await import_file(engine, path, console=console, progress=True)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # no terminal codes
    assert "7/7 documents" in shown  # blank lines are not documents
    assert "documents/s" in shown and "14/" not in shown


def test_the_cli_names_a_document_as_such(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({**invoice_doc(), "currency": "usd"}, indent=2))
    result = run("import", str(path), database_url=f"sqlite:///{tmp_path}/i.db")
    assert result.returncode == 1
    assert result.stderr.startswith("document 1: currency: "), result.stderr
    assert result.stdout.strip() == "created 0, updated 0, unchanged 0, rejected 1"
