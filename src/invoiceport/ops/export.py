"""`invoiceport export --format F [--customer C] [--since DATE] --out DIR`: validated e-invoices.

Each invoice of the selection is exported in the format and validated (`invoiceport.einvoice`);
what passes is written to DIR under its download filename, what cannot be a valid e-invoice is
refused with its rule ids (and written nowhere). A progress bar runs on a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.einvoice import repository
from invoiceport.einvoice.export import Refused, export_invoice, get_format, safe_part
from invoiceport.einvoice.model import Supplier
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.pdf import render_invoice_pdf
from invoiceport.pdf.letterhead import Letterhead, letterhead_from_settings
from invoiceport.platform.db import read_connection
from invoiceport.settings import Settings

BATCH = 200


@dataclass(frozen=True, slots=True)
class Refusal:
    customer_number: str
    invoice_number: str
    rules: list[str]
    errors: list[str]


@dataclass(slots=True)
class ExportSummary:
    exported: int = 0
    refused: list[Refusal] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def _export_one(
    stored: StoredInvoice,
    fmt: str,
    supplier: Supplier,
    letterhead: Letterhead | None,
    out_dir: Path,
    summary: ExportSummary,
) -> None:
    invoice = stored.invoice()
    pdf = None
    if letterhead is not None:
        pdf = render_invoice_pdf(invoice, letterhead=letterhead, version=stored.version)
    try:
        done = export_invoice(invoice, fmt, supplier, pdf=pdf)
    except Refused as refused:
        summary.refused.append(
            Refusal(
                invoice.customer_number,
                invoice.invoice_number,
                refused.rule_ids(),
                [f"{f.field}: [{f.rule}] {f.text}" for f in refused.failures],
            )
        )
        return
    path = out_dir / f"{safe_part(invoice.customer_number)}_{done.filename}"
    path.write_bytes(done.body)
    summary.files.append(path)
    summary.exported += 1


async def export_invoices(
    engine: AsyncEngine,
    settings: Settings,
    fmt: str,
    out_dir: Path,
    *,
    environment: str = "production",
    customer: str | None = None,
    since: date | None = None,
    console: Console | None = None,
    progress: bool = False,
) -> ExportSummary:
    """Export the selection into `out_dir` (created if missing); refusals are in the summary."""
    chosen = get_format(fmt)
    supplier = supplier_from_settings(settings)
    letterhead = letterhead_from_settings(settings) if chosen.name == "facturx" else None
    _make_dir(out_dir)
    summary = ExportSummary()
    async with read_connection(engine) as conn:
        total = await repository.count(conn, environment, customer, since)
    bar = Progress(
        TextColumn(f"exporting {chosen.name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not progress,
    )
    after = 0
    with bar:
        task = bar.add_task("export", total=total)
        while True:
            async with read_connection(engine) as conn:
                rows = await repository.batch(
                    conn, environment, customer, since, after_id=after, limit=BATCH
                )
            if not rows:
                break
            after = rows[-1].id
            for stored in rows:
                _export_one(stored, chosen.name, supplier, letterhead, out_dir, summary)
                bar.advance(task)
    return summary
