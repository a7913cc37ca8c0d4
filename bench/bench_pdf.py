"""How fast is invoiceport's PDF renderer? Single-page invoices per second on one core.

    .venv/bin/python bench/bench_pdf.py [--count 500] [--weasyprint-count 40]

Renders the one-page demo invoice (`invoiceport.pdf.demo`) `--count` times after a warm-up and
reports the rate from CPU time (so that other work on the machine does not count against it) and
from wall time. When WeasyPrint is installed (bench/requirements.txt) it also renders the same
invoice from an equivalent HTML template, with the same fonts, and prints the speed ratio.

"Cold" repeats the measurement with the font-subset cache emptied before every render: the cost
for an invoice whose set of characters the process has never seen before.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from invoiceport.pdf import render_invoice_pdf, subsets
from invoiceport.pdf.demo import DEMO_LETTERHEAD, demo_invoice
from invoiceport.pdf.fonts import BOLD_FILE, CJK_FILE, REGULAR_FILE
from invoiceport.pdf.view import InvoiceView, build_view

TARGET_PER_SECOND = 300
TARGET_RATIO = 20


@dataclass
class Result:
    label: str
    count: int  # renders in the best round
    rounds: int
    cpu_seconds: float
    wall_seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.cpu_seconds

    @property
    def ms_each(self) -> float:
        return 1000 * self.cpu_seconds / self.count

    def line(self) -> str:
        wall_rate = self.count / self.wall_seconds
        return (
            f"{self.label:<34} {self.per_second:8.1f}/s per core  "
            f"({self.ms_each:6.2f} ms CPU each; wall clock {wall_rate:6.1f}/s; "
            f"best of {self.rounds} x {self.count})"
        )


def measure(label: str, render: Callable[[], bytes], count: int, rounds: int = 5) -> Result:
    """Best of `rounds` rounds (the least disturbed by the rest of the machine)."""
    per_round = max(1, count // rounds)
    best: tuple[float, float] | None = None
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(per_round):
            render()
        took = (time.process_time() - cpu, time.perf_counter() - wall)
        if best is None or took[0] < best[0]:
            best = took
    assert best is not None
    return Result(label, per_round, rounds, *best)


# --- the same page as HTML + CSS, for WeasyPrint ------------------------------------------------

CSS = """
@font-face { font-family: "Invoice Sans"; src: url("file://{regular}"); }
@font-face { font-family: "Invoice Sans"; font-weight: bold; src: url("file://{bold}"); }
{cjk_face}@page {
  size: letter; margin: 36pt 36pt 54pt 36pt;
  @bottom-left { content: "{footer}"; font: 7pt "Invoice Sans"; color: #666d7a; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font: 7pt "Invoice Sans"; color: #666d7a; }
}
body { font: 8pt/10pt "Invoice Sans"{cjk_family}; color: #1c2129; margin: 0; }
.head { display: flex; justify-content: space-between; }
.seller { font-size: 8pt; color: #666d7a; }
.seller b { display: block; font-size: 13pt; line-height: 17pt; color: #1c2129; }
h1 { font-size: 22pt; color: #173b66; margin: 0; text-align: right; }
.facts { display: grid; grid-template-columns: repeat(4, 1fr); background: #f1f3f6;
         padding: 7pt 8pt; margin-top: 14pt; row-gap: 6pt; }
.label { font-size: 6.5pt; font-weight: bold; color: #666d7a; text-transform: uppercase; }
.facts div div:last-child { font-size: 9pt; line-height: 11.5pt; }
.addresses { display: flex; margin-top: 14pt; font-size: 9pt; line-height: 11.5pt; }
.addresses > div { width: 50%; }
table { width: 100%; border-collapse: collapse; margin-top: 16pt; }
thead th { background: #f1f3f6; color: #173b66; font-size: 7.5pt; text-align: left;
           border-bottom: 0.8pt solid #173b66; padding: 3pt 4pt; }
td { padding: 3.5pt 4pt 0 4pt; vertical-align: top; }
.num { text-align: right; }
tr.extra td { font-size: 7pt; color: #666d7a; padding-top: 0; }
tr.last td { border-bottom: 0.4pt solid #ccd1d9; padding-bottom: 5pt; }
.closing { display: flex; justify-content: space-between; margin-top: 14pt;
           page-break-inside: avoid; }
.totals { width: 250pt; font-size: 8.5pt; line-height: 15pt; }
.totals div { display: flex; justify-content: space-between; padding: 0 4pt 0 6pt; }
.totals .grand { font-size: 10.5pt; line-height: 22pt; font-weight: bold; color: #173b66;
                 background: #f1f3f6; border-top: 0.8pt solid #173b66; }
"""


def invoice_html(view: InvoiceView) -> str:
    """`view` as one HTML document laid out like the PDF (letterhead, facts, table, totals)."""
    e = html.escape
    # Like the PDF renderer, load the 1.7 MB CJK font only for invoices that need it; the demo
    # invoice does not, so WeasyPrint is not slowed down by a font it would not use.
    needs_cjk = any(ord(char) >= 0x2E80 for char in repr(view))
    cjk_face = f'@font-face {{ font-family: "Invoice CJK"; src: url("file://{CJK_FILE}"); }}'
    css = (
        CSS.replace("{regular}", str(REGULAR_FILE))
        .replace("{bold}", str(BOLD_FILE))
        .replace("{cjk_face}", cjk_face if needs_cjk else "")
        .replace("{cjk_family}", ', "Invoice CJK"' if needs_cjk else "")
        .replace("{footer}", view.footer.replace('"', "'"))
    )
    seller = "".join(f"<div>{e(line)}</div>" for line in view.seller_lines)
    subtitle = f"<div>{e(view.subtitle)}</div>" if view.subtitle else ""
    facts = "".join(
        f'<div><div class="label">{e(label)}</div><div>{e(value)}</div></div>'
        for label, value in view.facts
    )
    addresses = "".join(
        f'<div><div class="label">{title}</div>{"".join(f"<div>{e(x)}</div>" for x in lines)}</div>'
        for title, lines in (("Bill to", view.bill_to), ("Ship to", view.ship_to))
        if lines
    )
    rows = []
    for line in view.lines:
        extra = []
        if line.serial_numbers:
            extra.append("Serial numbers: " + ", ".join(line.serial_numbers))
        if line.tracking_numbers:
            extra.append("Tracking: " + ", ".join(line.tracking_numbers))
        last = "" if extra else ' class="last"'
        rows.append(
            f"<tr{last}><td>{e(line.number)}</td><td>{e(line.item)}</td>"
            f"<td>{e(line.manufacturer_part)}</td><td>{e(line.description)}</td>"
            f'<td class="num">{e(line.quantity)}</td><td>{e(line.unit)}</td>'
            f'<td class="num">{e(line.unit_price)}</td><td class="num">{e(line.amount)}</td></tr>'
        )
        for n, text in enumerate(extra):
            css_class = "extra last" if n == len(extra) - 1 else "extra"
            rows.append(f'<tr class="{css_class}"><td></td><td colspan="7">{e(text)}</td></tr>')
    totals = "".join(
        f'<div class="{"grand" if row.grand_total else ""}">'
        f"<span>{e(row.label)}</span><span>{e(row.amount)}</span></div>"
        for row in view.totals
    )
    tracking = ""
    if view.tracking_numbers:
        tracking = f'<div class="label">Tracking numbers</div>{e(", ".join(view.tracking_numbers))}'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(view.title)}</title>
<style>{css}</style></head><body>
<div class="head"><div class="seller"><b>{e(view.seller_name)}</b>{seller}</div>
<div><h1>{e(view.title)}</h1>{subtitle}</div></div>
<div class="facts">{facts}</div>
<div class="addresses">{addresses}</div>
<table><thead><tr><th>#</th><th>Item</th><th>Mfr. part</th><th>Description</th>
<th class="num">Qty</th><th>Unit</th><th class="num">Unit price</th><th class="num">Amount</th>
</tr></thead><tbody>{"".join(rows)}</tbody></table>
<div class="closing"><div>{tracking}</div><div class="totals">{totals}</div></div>
</body></html>"""


def weasyprint_renderer(view: InvoiceView) -> tuple[str, Callable[[], bytes]] | None:
    """(WeasyPrint's version, a function rendering the HTML version of `view`), if installed."""
    try:
        import weasyprint  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        return None
    document = invoice_html(view)

    def render() -> bytes:
        out = io.BytesIO()
        weasyprint.HTML(string=document).write_pdf(out)
        return out.getvalue()

    return str(weasyprint.__version__), render


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500, help="renders to time (default 500)")
    parser.add_argument("--weasyprint-count", type=int, default=40, help="default 40")
    parser.add_argument("--write", metavar="DIR", help="also write both PDFs into DIR")
    args = parser.parse_args(argv)

    import reportlab

    try:
        import _rl_accel  # type: ignore[import-not-found, unused-ignore]  # noqa: F401

        accel = "with rl_accel"
    except ImportError:
        accel = "without rl_accel"
    print(f"Python {platform.python_version()}, ReportLab {reportlab.Version} ({accel})")
    print(f"{_cpu_name()}, {os.cpu_count()} logical CPUs; timing one process (one core)\n")

    invoice = demo_invoice()
    view = build_view(invoice, DEMO_LETTERHEAD, 1)

    def ours() -> bytes:
        return render_invoice_pdf(invoice, letterhead=DEMO_LETTERHEAD)

    def ours_cold() -> bytes:
        subsets.clear_cache()
        return ours()

    pdf = ours()
    for _ in range(50):  # warm-up: fonts parsed, caches filled
        ours()
    result = measure("invoiceport (ReportLab)", ours, args.count)
    cold = measure("  same, subset cache emptied", ours_cold, max(50, args.count // 5))
    print(result.line())
    print(cold.line())
    big = demo_invoice(500)
    big_result = measure(
        "500-line invoice", lambda: render_invoice_pdf(big, letterhead=DEMO_LETTERHEAD), 10
    )
    print(big_result.line())

    weasyprint = weasyprint_renderer(view)
    ratio = None
    if weasyprint is None:
        print("\nWeasyPrint is not installed (pip install -r bench/requirements.txt): no ratio.")
    else:
        version, weasy = weasyprint
        weasy_pdf = weasy()
        weasy()
        weasy_result = measure(f"WeasyPrint {version}", weasy, args.weasyprint_count)
        print(weasy_result.line())
        ratio = weasy_result.ms_each / result.ms_each
        print(f"\ninvoiceport is {ratio:.0f}x faster than WeasyPrint on this invoice (CPU time).")
        if args.write:
            with open(os.path.join(args.write, "bench-weasyprint.pdf"), "wb") as out:
                out.write(weasy_pdf)
    if args.write:
        with open(os.path.join(args.write, "bench-invoiceport.pdf"), "wb") as out:
            out.write(pdf)

    ok = result.per_second >= TARGET_PER_SECOND and (ratio is None or ratio >= TARGET_RATIO)
    print(
        f"targets: >= {TARGET_PER_SECOND}/s per core, >= {TARGET_RATIO}x WeasyPrint: "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
