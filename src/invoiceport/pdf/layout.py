"""Page layout: an `InvoiceView` in, a list of pages of positioned drawing operations out.

The layout is done completely before anything is drawn, so the page count is known when the
footers are written ("Page n of N" in one deterministic pass, no second rendering).

Everything below the letterhead is a sequence of `Row`s: a height and a function that draws the
row once its top is known. The flow places rows top to bottom, starts a new page when the next
row does not fit, repeats the line table's header on every page that continues the table, and
keeps small groups (a line and its first serial-number line, the totals) together. Rows are at
most a few text lines tall, so a partner's long address or a line with thousands of serial
numbers still breaks cleanly across pages.

Coordinates are PDF points from the bottom-left corner; the page is US Letter because all three
partner dialects (ScanSource, ABC Supply, Ingram Micro) are US-based.

The page's geometry, styles and drawing operations are in `drawing`, the line table's columns in
`table`, the flow in `flow`; this module builds the rows and runs the flow (`lay_out`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from invoiceport.pdf.drawing import (
    ACCENT,
    AMOUNT,
    BAND,
    CELL,
    CONTENT_WIDTH,
    EXTRA,
    EXTRA_PAD_BOTTOM,
    GRAND,
    HAIRLINE,
    LABEL,
    LEFT,
    PAD,
    RIGHT,
    ROW_PAD_BOTTOM,
    ROW_PAD_TOP,
    SECTION_GAP,
    SELLER,
    SELLER_LINE,
    SUBTITLE,
    TITLE,
    TOP,
    VALUE,
    Fill,
    Measure,
    Op,
    Page,
    Picture,
    Rule,
    Style,
    wrap,
)
from invoiceport.pdf.flow import Flow, Row, spacer, table_header
from invoiceport.pdf.table import MIN_SHRUNK_SIZE, Column, Table
from invoiceport.pdf.view import InvoiceView, LineView

TOTALS_WIDTH = 250.0  # room for the largest amount the schema allows
TRACKING_WIDTH = CONTENT_WIDTH - TOTALS_WIDTH - 24.0


def draw_letterhead(flow: Flow, logo_size: tuple[float, float] | None) -> float:
    """Draw the letterhead and the title at the top of page 1; return their height."""
    view, ops = flow.view, flow.ops
    top = TOP
    left_top = top
    if view.logo_path is not None and logo_size is not None:
        w, h = logo_size
        ops.append(Picture(view.logo_path, LEFT, top - h, w, h))
        left_top -= h + 8
    for line in wrap(view.seller_name, 300, SELLER, flow.measure):
        ops.append(flow.text(LEFT, left_top, line, SELLER))
        left_top -= SELLER.leading
    for address_line in view.seller_lines:
        for line in wrap(address_line, 300, SELLER_LINE, flow.measure):
            ops.append(flow.text(LEFT, left_top, line, SELLER_LINE))
            left_top -= SELLER_LINE.leading
    right_top = top
    ops.append(flow.text(RIGHT, right_top, view.title, TITLE, right=True))
    right_top -= TITLE.leading
    if view.subtitle:
        for line in wrap(view.subtitle, 220, SUBTITLE, flow.measure):
            ops.append(flow.text(RIGHT, right_top, line, SUBTITLE, right=True))
            right_top -= SUBTITLE.leading
    return top - min(left_top, right_top)


def fact_rows(flow: Flow) -> list[Row]:
    """The invoice's numbers and dates as a four-column grid on a light band."""
    per_row = 4
    cell = CONTENT_WIDTH / per_row
    rows: list[Row] = []
    facts = flow.view.facts
    for start in range(0, len(facts), per_row):
        chunk = facts[start : start + per_row]
        cells = [
            (label.upper(), wrap(value, cell - 2 * PAD - 4, VALUE, flow.measure))
            for label, value in chunk
        ]
        first, last = start == 0, start + per_row >= len(facts)
        pad_top = 7.0 if first else 3.0
        pad_bottom = 7.0 if last else 3.0
        height = pad_top + LABEL.leading + max(len(v) for _, v in cells) * VALUE.leading
        height += pad_bottom

        def paint(
            top: float,
            cells: list[tuple[str, list[str]]] = cells,
            h: float = height,
            p: float = pad_top,
        ) -> list[Op]:
            ops: list[Op] = [Fill(LEFT, top - h, CONTENT_WIDTH, h, BAND)]
            for i, (label, _) in enumerate(cells):
                ops.append(flow.text(LEFT + i * cell + PAD + 4, top - p, label, LABEL))
            for n in range(max(len(v) for _, v in cells)):
                line_top = top - p - LABEL.leading - n * VALUE.leading
                for i, (_, value_lines) in enumerate(cells):
                    if n < len(value_lines):
                        x = LEFT + i * cell + PAD + 4
                        ops.append(flow.text(x, line_top, value_lines[n], VALUE))
            return ops

        rows.append(Row(height, paint, keep_with_next=not last))
    return rows


def address_rows(flow: Flow) -> list[Row]:
    """Bill-to and ship-to side by side, one row per printed line so long ones can break."""
    view = flow.view
    columns = [
        (title, [ln for line in lines for ln in wrap(line, 250, VALUE, flow.measure)])
        for title, lines in (("BILL TO", view.bill_to), ("SHIP TO", view.ship_to))
        if lines
    ]
    if not columns:
        return []
    xs = (LEFT, LEFT + CONTENT_WIDTH / 2)

    def heading(top: float) -> list[Op]:
        return [flow.text(xs[i], top, title, LABEL) for i, (title, _) in enumerate(columns)]

    rows = [Row(LABEL.leading + 2, heading, keep_with_next=True)]
    for n in range(max(len(lines) for _, lines in columns)):
        texts = [(xs[i], lines[n]) for i, (_, lines) in enumerate(columns) if n < len(lines)]

        def paint(top: float, texts: list[tuple[float, str]] = texts) -> list[Op]:
            return [flow.text(x, top, text, VALUE) for x, text in texts]

        rows.append(Row(VALUE.leading, paint, keep_with_next=n < 2))
    rows[-1].keep_with_next = False
    return rows


def _extra_lines(line: LineView, flow: Flow) -> list[str]:
    extra: list[str] = []
    if line.serial_numbers:
        text = "Serial numbers: " + ", ".join(line.serial_numbers)
        extra += wrap(text, flow.table.extra_width, EXTRA, flow.measure)
    if line.tracking_numbers:
        text = "Tracking: " + ", ".join(line.tracking_numbers)
        extra += wrap(text, flow.table.extra_width, EXTRA, flow.measure)
    return extra


def _cell(value: str, column: Column, flow: Flow) -> tuple[list[str], Style]:
    """A cell's printed lines and their style: wrapped, or for codes and numbers set smaller."""
    room = column.width - 2 * PAD
    if column.shrink:
        width = flow.width(value, CELL)
        if width > room:
            size = max(MIN_SHRUNK_SIZE, math.floor(CELL.size * room / width * 4) / 4)
            style = Style(size, CELL.leading, CELL.bold, CELL.color)
            return wrap(value, room, style, flow.measure), style
    return wrap(value, room, CELL, flow.measure), CELL


def _separator(bottom: float) -> Rule:
    return Rule(LEFT, bottom, RIGHT, bottom, 0.4, HAIRLINE)


def line_rows(line: LineView, flow: Flow) -> list[Row]:
    """A line's cells (wrapped in their columns), then its serial and tracking numbers.

    One row per printed text line, all kept together with the first serial-number line when they
    fit on a page; a 2,000-character description that does not fit still breaks cleanly.
    """
    values = (
        line.number,
        line.item,
        line.manufacturer_part,
        line.description,
        line.quantity,
        line.unit,
        line.unit_price,
        line.amount,
    )
    table = flow.table
    cells = [
        _cell(value, column, flow) for value, column in zip(values, table.columns, strict=True)
    ]
    depth = max(1, *(len(lines) for lines, _ in cells))
    extra = _extra_lines(line, flow)
    rows: list[Row] = []
    for n in range(depth):
        pad_top = ROW_PAD_TOP if n == 0 else 0.0
        closes = n == depth - 1 and not extra  # the last thing printed for this line
        height = pad_top + CELL.leading + (ROW_PAD_BOTTOM if closes else 0.0)

        def paint_cells(
            top: float,
            n: int = n,
            pad_top: float = pad_top,
            closes: bool = closes,
            h: float = height,
        ) -> list[Op]:
            # Left to right across the columns, so that text extraction reads a line as a row.
            ops: list[Op] = []
            for (lines, style), column, x in zip(cells, table.columns, table.x, strict=True):
                if n < len(lines):
                    anchor = x + column.width - PAD if column.right else x + PAD
                    ops.append(flow.text(anchor, top - pad_top, lines[n], style, column.right))
            if closes:
                ops.append(_separator(top - h))
            return ops

        keep = n < depth - 1 or bool(extra)
        rows.append(Row(height, paint_cells, table=True, keep_with_next=keep))
    for n, text in enumerate(extra):
        closes = n == len(extra) - 1
        height = EXTRA.leading + (EXTRA_PAD_BOTTOM + ROW_PAD_BOTTOM if closes else 0.0)

        def paint_extra(
            top: float, text: str = text, closes: bool = closes, h: float = height
        ) -> list[Op]:
            ops: list[Op] = [flow.text(table.extra_x, top, text, EXTRA)]
            if closes:
                ops.append(_separator(top - h))
            return ops

        rows.append(Row(height, paint_extra, table=True))
    return rows


class _TotalLine(NamedTuple):
    label: str
    amount: str | None  # only on the first line of a wrapped label
    style: Style
    grand_total: bool


def _total_lines(flow: Flow) -> list[_TotalLine]:
    """The totals block, labels wrapped beside their amounts (fee descriptions can be long)."""
    lines: list[_TotalLine] = []
    for row in flow.view.totals:
        style = GRAND if row.grand_total else AMOUNT
        room = TOTALS_WIDTH - 2 * PAD - 2 - flow.width(row.amount, style) - 8
        label = wrap(row.label, max(room, 40.0), style, flow.measure) or [""]
        lines.append(_TotalLine(label[0], row.amount, style, row.grand_total))
        lines += [_TotalLine(more, None, style, False) for more in label[1:]]
    return lines


def closing_rows(flow: Flow) -> list[Row]:
    """Tracking numbers on the left, the totals on the right, kept together when they fit."""
    view = flow.view
    left: list[tuple[str, Style]] = []
    if view.tracking_numbers:
        left.append(("TRACKING NUMBERS", LABEL))
        text = ", ".join(view.tracking_numbers)
        left += [(ln, CELL) for ln in wrap(text, TRACKING_WIDTH, CELL, flow.measure)]
    totals = _total_lines(flow)
    x_label = RIGHT - TOTALS_WIDTH
    rows: list[Row] = []
    for n in range(max(len(left), len(totals))):
        lt = left[n] if n < len(left) else None
        total = totals[n] if n < len(totals) else None
        height = max(total.style.leading if total else 0.0, lt[1].leading if lt else 0.0)

        def paint(
            top: float, lt: tuple[str, Style] | None = lt, total: _TotalLine | None = total
        ) -> list[Op]:
            ops: list[Op] = []
            if lt is not None:  # left first, so text extraction reads the row left to right
                ops.append(flow.text(LEFT, top, lt[0], lt[1]))
            if total is not None:
                style = total.style
                if total.grand_total:
                    h = style.leading
                    ops.append(Fill(x_label, top - h, TOTALS_WIDTH, h, BAND))
                    ops.append(Rule(x_label, top, RIGHT, top, 0.8, ACCENT))
                ops.append(flow.text(x_label + PAD + 2, top, total.label, style))
                if total.amount is not None:
                    ops.append(flow.text(RIGHT - PAD, top, total.amount, style, right=True))
            return ops

        rows.append(Row(height, paint, keep_with_next=True))
    rows[-1].keep_with_next = False
    return rows


def _widest_numbers(view: InvoiceView, measure: Measure) -> dict[str, float]:
    """How wide this invoice's longest line number, quantity, unit and amounts print."""

    def widest(texts: Iterable[str]) -> float:
        return max((measure.width(text, CELL.size, False) for text in texts), default=0.0)

    lines = view.lines
    return {
        "#": widest(line.number for line in lines),
        "Qty": widest(line.quantity for line in lines),
        "Unit": widest(line.unit for line in lines),
        "Unit price": widest(line.unit_price for line in lines),
        "Amount": widest(line.amount for line in lines),
    }


def lay_out(
    view: InvoiceView, measure: Measure, logo_size: tuple[float, float] | None = None
) -> list[Page]:
    """Lay the invoice out; returns the pages, each a list of drawing operations."""
    flow = Flow(view, measure, Table.sized_for(_widest_numbers(view, measure)))
    flow.y = TOP - draw_letterhead(flow, logo_size) - SECTION_GAP
    flow.at_page_top = False
    rows: list[Row] = fact_rows(flow)
    address = address_rows(flow)
    if address:
        rows += [spacer(SECTION_GAP), *address]
    rows += [spacer(SECTION_GAP + 2), table_header(flow)]
    for line in view.lines:
        rows += line_rows(line, flow)
    rows += [spacer(SECTION_GAP), *closing_rows(flow)]
    flow.place(rows)
    return flow.finish()
