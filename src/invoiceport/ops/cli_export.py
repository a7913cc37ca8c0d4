"""The `invoiceport export` command's argument checks and report (kept out of cli.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from invoiceport.einvoice.export import FORMAT_NAMES, UnknownFormat, get_format
from invoiceport.settings import Settings


def run_export(
    settings: Settings,
    run: Callable[..., Any],
    out: Console,
    err: Console,
    fmt: str,
    out_dir: Path,
    customer: str | None,
    since_text: str | None,
    environment: str,
    progress: bool | None,
) -> int:
    """Run the export; print refusals (stderr) and the summary (stdout); the exit code."""
    from invoiceport.ops.export import export_invoices
    from invoiceport.ops.migrate import upgrade

    try:
        get_format(fmt)
    except UnknownFormat as exc:
        err.print(f"error: --format: {exc}", markup=False)
        return 2
    if environment not in ("production", "sandbox"):
        err.print("error: --environment: production or sandbox", markup=False)
        return 2
    since = None
    if since_text is not None:
        try:
            since = date.fromisoformat(since_text)
        except ValueError:
            err.print(f"error: --since: not a date (YYYY-MM-DD): {since_text!r}", markup=False)
            return 2
    if out_dir.exists() and not out_dir.is_dir():
        err.print(f"error: --out: {out_dir} is not a directory", markup=False)
        return 2
    show = err.is_terminal if progress is None else progress

    async def work(engine: Any) -> Any:
        await upgrade(engine)
        return await export_invoices(
            engine,
            settings,
            fmt,
            out_dir,
            environment=environment,
            customer=customer,
            since=since,
            console=err,
            progress=show,
        )

    summary = run(settings, work)
    for refusal in summary.refused:
        err.print(
            f"refused {refusal.customer_number}/{refusal.invoice_number}: "
            f"{', '.join(refusal.rules)}",
            markup=False,
        )
        for line in refusal.errors:
            err.print(f"  {line}", markup=False)
    out.print(
        f"exported {summary.exported} {fmt} document(s) to {out_dir}, "
        f"refused {len(summary.refused)}",
        markup=False,
    )
    return 1 if summary.refused else 0


__all__ = ["FORMAT_NAMES", "run_export"]
