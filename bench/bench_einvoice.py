"""Validated e-invoice exports per second per core, per format (issue 16).

    .venv/bin/python bench/bench_einvoice.py [--count 200]

Exports the EU demo documents (`invoiceport.ops.demo_eu`: invoices and credit memos, 1 to 3 lines,
charges) in rotation, `--count` times per format after a warm-up that compiles the rule sets, and
reports documents per second of CPU time of the process (all its threads: the rule runner's
included), so that other work on the machine counts as little as possible; the wall-clock rate is
printed beside it. Every export is a full one: model, XML, XSD and every applicable rule set
(and for Factur-X the PDF render, PDF/A-3 and the attachment). Targets: 150 UBL documents/s/core
(Peppol BIS 3, XRechnung), 30 Factur-X PDFs/s/core.

Then, per format, where an export's CPU time goes, step by step (`--no-steps` to skip): each step
timed alone over the same documents, in ms a document (median of 7 interleaved passes) and as a
share of a whole export timed in the same passes ("other": the rest, e.g. the hand-over to the
rule thread, and what the load on the machine moved between the steps).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from invoiceport.einvoice.export import FORMATS, build_xml, export_invoice
from invoiceport.einvoice.facturx import facturx_pdf
from invoiceport.einvoice.model import build
from invoiceport.einvoice.seller import supplier_from_settings
from invoiceport.einvoice.validate import Validator
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


def _ms(step: Callable[[int], Any], n: int) -> float:
    """CPU ms a call of `step(i)`, over i in 0..n-1."""
    cpu = time.process_time()
    for i in range(n):
        step(i)
    return (time.process_time() - cpu) * 1000 / n


def steps(fmt_name: str, passes: int = 7) -> list[tuple[str, float]]:
    """CPU ms a document for each step of an export in `fmt_name`, then the whole export.

    Each pass times every step once over the documents, then a whole export; the figures are
    the medians over the passes (interleaved, so that the machine's load moves them together).
    """
    fmt = FORMATS[fmt_name]
    supplier = supplier_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    invoices = eu_invoices(date(2026, 11, 30))
    n = len(invoices)
    validator = Validator()  # the same work as the rule runner's, on this thread
    docs = [build(invoice, supplier) for invoice in invoices]
    xmls = [build_xml(doc, fmt) for doc in docs]
    validator.check(*xmls[0], fmt.rule_sets)  # compiles the rule sets
    texts = [xml.decode() for xml, _ in xmls]
    processor = validator._processor  # Saxon's parse, shared by the rule sets of an export
    pdfs = [render_invoice_pdf(invoice, letterhead=DEFAULT_LETTERHEAD) for invoice in invoices]
    facturx = fmt_name == "facturx"
    meta = {"title": "t", "author": "a", "subject": "s"}

    def export(i: int) -> None:
        pdf = None
        if facturx:
            pdf = render_invoice_pdf(invoices[i], letterhead=DEFAULT_LETTERHEAD, version=i)
        export_invoice(invoices[i], fmt_name, supplier, pdf=pdf)

    timed: dict[str, Callable[[int], Any]] = {}
    if facturx:
        timed["PDF render"] = lambda i: render_invoice_pdf(
            invoices[i], letterhead=DEFAULT_LETTERHEAD, version=i
        )
    timed["model"] = lambda i: build(invoices[i], supplier)
    timed["XML"] = lambda i: build_xml(docs[i], fmt)
    timed["XSD (lxml parse + validate)"] = lambda i: validator.check(*xmls[i], ())
    timed["Saxon parse"] = lambda i: processor.parse_xml(xml_text=texts[i])
    for rule_set in fmt.rule_sets:
        timed[f"rule set {rule_set}"] = lambda i, r=rule_set: validator.check(*xmls[i], (r,))
    if facturx:
        timed["Factur-X packaging"] = lambda i: facturx_pdf(pdfs[i], xmls[i][0], **meta)
    timed["whole export"] = export
    runs: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(passes):
        for name, step in timed.items():
            runs[name].append(_ms(step, n))
    ms = {name: statistics.median(values) for name, values in runs.items()}
    for rule_set in fmt.rule_sets:  # a rule set's check also parses and runs the XSD
        ms[f"rule set {rule_set}"] -= ms["XSD (lxml parse + validate)"] + ms["Saxon parse"]
    total = ms.pop("whole export")
    out = list(ms.items())
    out.append(("other", total - sum(ms.values())))
    out.append(("whole export", total))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--format", action="append", choices=sorted(FORMATS))
    parser.add_argument("--no-steps", action="store_true", help="no step-by-step figures")
    args = parser.parse_args()
    print(f"{'format':<12} {'docs/s/core':>12} {'docs/s wall':>12} {'target':>8}  verdict")
    for fmt in args.format or list(FORMATS):
        per_core, per_wall = run(fmt, args.count)
        target = TARGETS.get(fmt)
        verdict = "" if target is None else ("met" if per_core >= target else "MISSED")
        shown = f"{target:>8.0f}" if target else f"{'-':>8}"
        print(f"{fmt:<12} {per_core:>12.1f} {per_wall:>12.1f} {shown}  {verdict}")
    if args.no_steps:
        return
    print("\nWhere the CPU time of an export goes (ms a document, median of 7 passes; share):")
    for fmt in args.format or list(FORMATS):
        figures = steps(fmt)
        total = figures[-1][1]
        print(f"{fmt}:")
        for name, ms in figures:
            print(f"  {name:<30} {ms:>7.3f} ms {ms / total:>6.0%}")


if __name__ == "__main__":
    main()
