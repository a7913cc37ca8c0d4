"""Validated e-invoice exports per second per core, per format (issue 16).

    .venv/bin/python bench/bench_einvoice.py [--count 200]

Exports the EU demo documents (`invoiceport.ops.demo_eu`: invoices and credit memos, 1 to 3 lines,
charges) in rotation, `--count` times per format after a warm-up that compiles the rule sets, and
reports documents per second of CPU time of the process (all its threads: the rule runner's
included), so that other work on the machine counts as little as possible; the wall-clock rate is
printed beside it. Every export is a full one: model, XML, XSD and every applicable rule set
(and for Factur-X the PDF render, PDF/A-3 and the attachment). Targets: 150 UBL documents/s/core
(Peppol BIS 3, XRechnung), 30 Factur-X PDFs/s/core.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from invoiceport.einvoice.export import FORMATS, export_invoice
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.ops.demo_eu import eu_invoices
from invoiceport.pdf import DEFAULT_LETTERHEAD, render_invoice_pdf
from invoiceport.settings import Settings

TARGETS = {"peppol-bis3": 150.0, "xrechnung": 150.0, "facturx": 30.0}


def run(fmt: str, count: int) -> tuple[float, float]:
    supplier = supplier_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    documents = eu_invoices(date(2026, 11, 30))
    for invoice in documents:  # warm-up: compiles the rule sets, fills the font caches
        pdf = (
            render_invoice_pdf(invoice, letterhead=DEFAULT_LETTERHEAD) if fmt == "facturx" else None
        )
        export_invoice(invoice, fmt, supplier, pdf=pdf)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(count):
        invoice = documents[i % len(documents)]
        pdf = None
        if fmt == "facturx":  # rendered each time, as a cold PDF cache would
            pdf = render_invoice_pdf(invoice, letterhead=DEFAULT_LETTERHEAD, version=i)
        export_invoice(invoice, fmt, supplier, pdf=pdf)
    return count / (time.process_time() - cpu), count / (time.perf_counter() - wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--format", action="append", choices=sorted(FORMATS))
    args = parser.parse_args()
    print(f"{'format':<12} {'docs/s/core':>12} {'docs/s wall':>12} {'target':>8}  verdict")
    for fmt in args.format or list(FORMATS):
        per_core, per_wall = run(fmt, args.count)
        target = TARGETS.get(fmt)
        verdict = "" if target is None else ("met" if per_core >= target else "MISSED")
        shown = f"{target:>8.0f}" if target else f"{'-':>8}"
        print(f"{fmt:<12} {per_core:>12.1f} {per_wall:>12.1f} {shown}  {verdict}")


if __name__ == "__main__":
    main()
