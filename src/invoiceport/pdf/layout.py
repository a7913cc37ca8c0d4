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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from invoiceport.pdf.view import InvoiceView, LineView

PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0
LEFT = 36.0
RIGHT = PAGE_WIDTH - 36.0
CONTENT_WIDTH = RIGHT - LEFT
TOP = PAGE_HEIGHT - 36.0
BODY_BOTTOM = 54.0  # nothing but the footer below this line
FOOTER_RULE_Y = 42.0
FOOTER_Y = 30.0
CONTINUATION_BODY_TOP = TOP - 30.0  # under the short header of pages 2..N
PAD = 4.0  # horizontal padding inside table cells

Color = tuple[float, float, float]
INK: Color = (0.11, 0.13, 0.16)
MUTED: Color = (0.40, 0.43, 0.48)
ACCENT: Color = (0.09, 0.23, 0.40)
HAIRLINE: Color = (0.80, 0.82, 0.85)
BAND: Color = (0.945, 0.953, 0.965)


@dataclass(frozen=True, slots=True)
class Style:
    size: float
    leading: float
    bold: bool = False
    color: Color = INK
    baseline: float = field(init=False)  # from the top of a text line to its baseline

    def __post_init__(self) -> None:
        object.__setattr__(self, "baseline", (self.leading - self.size) / 2 + self.size * 0.78)


TITLE = Style(22, 26, bold=True, color=ACCENT)
SUBTITLE = Style(9, 12, color=MUTED)
SELLER = Style(13, 17, bold=True)
SELLER_LINE = Style(8, 10.5, color=MUTED)
LABEL = Style(6.5, 9, bold=True, color=MUTED)
VALUE = Style(9, 11.5)
CELL = Style(8, 10)
CELL_HEAD = Style(7.5, 10, bold=True, color=ACCENT)
EXTRA = Style(7, 9, color=MUTED)
AMOUNT = Style(8.5, 15)
GRAND = Style(10.5, 22, bold=True, color=ACCENT)
FOOTER = Style(7, 9, color=MUTED)
CONTINUED = Style(9, 12, bold=True)

ROW_PAD_TOP = 3.5
ROW_PAD_BOTTOM = 3.0
EXTRA_PAD_BOTTOM = 2.0
TABLE_HEADER_HEIGHT = 16.0
SECTION_GAP = 14.0


class Text(NamedTuple):
    x: float
    y: float  # baseline
    text: str
    style: Style


class Rule(NamedTuple):
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: Color


class Fill(NamedTuple):
    x: float
    y: float
    w: float
    h: float
    color: Color


class Picture(NamedTuple):
    path: Path
    x: float
    y: float
    w: float
    h: float


Op = Text | Rule | Fill | Picture
Page = list[Op]


class Measure(Protocol):
    """What the layout needs from the fonts."""

    def width(self, text: str, size: float, bold: bool) -> float: ...


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float
    right: bool  # right-aligned
    # Codes and numbers are set smaller rather than broken over lines: a quantity printed as
    # "123,45" above "6.5" reads as two numbers.
    shrink: bool


# Usual widths, for the columns that take what the invoice needs (up to a limit); the description
# gets whatever is left.
_ADAPTIVE = {
    "#": (20.0, 46.0),
    "Qty": (36.0, 60.0),
    "Unit": (28.0, 40.0),
    "Unit price": (60.0, 80.0),
    "Amount": (68.0, 88.0),
}
_FIXED = {"Item": 78.0, "Mfr. part": 78.0}
MIN_SHRUNK_SIZE = 5.5


@dataclass(frozen=True, slots=True)
class Table:
    """The line table's columns and where each starts."""

    columns: tuple[Column, ...]
    x: tuple[float, ...]

    @classmethod
    def sized_for(cls, widest: dict[str, float]) -> Table:
        """Columns for an invoice whose widest "#", "Qty", ... texts are `widest` points wide."""
        width = dict(_FIXED)
        for title, (usual, limit) in _ADAPTIVE.items():
            width[title] = min(limit, max(usual, math.ceil(widest.get(title, 0.0)) + 2 * PAD))
        width["Description"] = CONTENT_WIDTH - sum(width.values())
        columns = (
            Column("#", width["#"], False, True),
            Column("Item", width["Item"], False, False),
            Column("Mfr. part", width["Mfr. part"], False, False),
            Column("Description", width["Description"], False, False),
            Column("Qty", width["Qty"], True, True),
            Column("Unit", width["Unit"], False, True),
            Column("Unit price", width["Unit price"], True, True),
            Column("Amount", width["Amount"], True, True),
        )
        x = tuple(LEFT + sum(c.width for c in columns[:i]) for i in range(len(columns)))
        return cls(columns, x)

    @property
    def extra_x(self) -> float:
        """Serial and tracking numbers sit under the item column and run to the right edge."""
        return self.x[1] + PAD

    @property
    def extra_width(self) -> float:
        return RIGHT - PAD - self.extra_x


TOTALS_WIDTH = 250.0  # room for the largest amount the schema allows
TRACKING_WIDTH = CONTENT_WIDTH - TOTALS_WIDTH - 24.0


@dataclass(slots=True)
class Row:
    height: float
    paint: Callable[[float], list[Op]]  # called with the row's top y
    table: bool = False  # a line-table row: needs the column header above it on a new page
    keep_with_next: bool = False
    spacer: bool = False  # dropped at the top of a page


def wrap(text: str, width: float, style: Style, measure: Measure) -> list[str]:
    """Greedy line breaking at spaces; a word wider than the line is broken between characters.

    Breaking inside words is what makes CJK text (no spaces) and long part numbers wrap at all.
    """
    size, bold = style.size, style.bold
    text = " ".join(text.split())  # runs of white space print as one space, as in HTML
    if not text:
        return []
    if measure.width(text, size, bold) <= width:
        return [text]
    space = measure.width(" ", size, bold)
    lines: list[str] = []
    current, current_width = "", 0.0
    for word in text.split():
        word_width = measure.width(word, size, bold)
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if current:
            lines.append(current)
        if word_width <= width:
            current, current_width = word, word_width
            continue
        current, current_width = "", 0.0
        for char in word:
            char_width = measure.width(char, size, bold)
            if current and current_width + char_width > width:
                # Prefer to break after a hyphen or slash: "ZT41142-" / "T010000Z".
                cut = max(current.rfind("-"), current.rfind("/")) + 1
                if 0 < cut < len(current):
                    lines.append(current[:cut])
                    current = current[cut:]
                    current_width = measure.width(current, size, bold)
                if current_width + char_width > width:  # no hyphen, or it did not help enough
                    lines.append(current)
                    current, current_width = "", 0.0
            current, current_width = current + char, current_width + char_width
    if current:
        lines.append(current)
    return lines


@dataclass(slots=True)
class _Flow:
    """Places rows on pages; see the module docstring."""

    view: InvoiceView
    measure: Measure
    table: Table
    pages: list[Page] = field(default_factory=list)
    ops: Page = field(default_factory=list)
    y: float = TOP
    at_page_top: bool = True

    def width(self, text: str, style: Style) -> float:
        return self.measure.width(text, style.size, style.bold)

    def truncate(self, text: str, width: float, style: Style) -> str:
        """`text`, shortened with an ellipsis if it is wider than `width` (one-line headers)."""
        if self.width(text, style) <= width:
            return text
        while text and self.width(text + "…", style) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def text(self, x: float, top: float, text: str, style: Style, right: bool = False) -> Text:
        if right:
            x -= self.width(text, style)
        return Text(x, top - style.baseline, text, style)

    def new_page(self, table: bool) -> None:
        self.pages.append(self.ops)
        self.ops = []
        view = self.view
        top = TOP
        seller = self.truncate(view.seller_name, CONTENT_WIDTH * 0.45, CONTINUED)
        self.ops.append(self.text(LEFT, top, seller, CONTINUED))
        label = f"{view.title} {view.document_number} (continued)"
        room = CONTENT_WIDTH - self.width(seller, CONTINUED) - 16
        self.ops.append(
            self.text(RIGHT, top, self.truncate(label, room, CONTINUED), CONTINUED, True)
        )
        self.ops.append(Rule(LEFT, top - 17, RIGHT, top - 17, 0.6, HAIRLINE))
        self.y = CONTINUATION_BODY_TOP
        self.at_page_top = True
        if table:
            self.place_now(table_header(self))

    def room(self) -> float:
        return self.y - BODY_BOTTOM

    def place_now(self, row: Row) -> None:
        self.ops.extend(row.paint(self.y))
        self.y -= row.height
        self.at_page_top = False

    def place(self, rows: Sequence[Row]) -> None:
        i = 0
        while i < len(rows):
            group_end = i + 1
            while group_end < len(rows) and rows[group_end - 1].keep_with_next:
                group_end += 1
            group = rows[i:group_end]
            i = group_end
            first = group[0]
            if first.spacer:
                if not self.at_page_top and first.height <= self.room():
                    self.place_now(first)
                continue
            height = sum(row.height for row in group)
            fresh = CONTINUATION_BODY_TOP - BODY_BOTTOM
            fresh -= TABLE_HEADER_HEIGHT if first.table else 0.0
            if height > self.room() and height <= fresh and not self.at_page_top:
                self.new_page(first.table)
            for row in group:
                if row.height > self.room() and not self.at_page_top:
                    self.new_page(row.table)
                self.place_now(row)

    def finish(self) -> list[Page]:
        self.pages.append(self.ops)
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            page.append(Rule(LEFT, FOOTER_RULE_Y, RIGHT, FOOTER_RULE_Y, 0.5, HAIRLINE))
            label = f"Page {number} of {total}"
            label_width = self.width(label, FOOTER)
            footer = self.truncate(self.view.footer, CONTENT_WIDTH - label_width - 16, FOOTER)
            page.append(Text(LEFT, FOOTER_Y, footer, FOOTER))
            page.append(Text(RIGHT - label_width, FOOTER_Y, label, FOOTER))
        return self.pages


def spacer(height: float) -> Row:
    return Row(height, lambda top: [], spacer=True)


def draw_letterhead(flow: _Flow, logo_size: tuple[float, float] | None) -> float:
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


def fact_rows(flow: _Flow) -> list[Row]:
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


def address_rows(flow: _Flow) -> list[Row]:
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


def table_header(flow: _Flow) -> Row:
    def paint(top: float) -> list[Op]:
        h = TABLE_HEADER_HEIGHT
        ops: list[Op] = [Fill(LEFT, top - h, CONTENT_WIDTH, h, BAND)]
        text_top = top - (h - CELL_HEAD.leading) / 2
        for column, x in zip(flow.table.columns, flow.table.x, strict=True):
            anchor = x + column.width - PAD if column.right else x + PAD
            ops.append(flow.text(anchor, text_top, column.title, CELL_HEAD, column.right))
        ops.append(Rule(LEFT, top - h, RIGHT, top - h, 0.8, ACCENT))
        return ops

    # Not a `table` row itself: that flag asks the flow to put this header above a row.
    return Row(TABLE_HEADER_HEIGHT, paint, keep_with_next=True)


def _extra_lines(line: LineView, flow: _Flow) -> list[str]:
    extra: list[str] = []
    if line.serial_numbers:
        text = "Serial numbers: " + ", ".join(line.serial_numbers)
        extra += wrap(text, flow.table.extra_width, EXTRA, flow.measure)
    if line.tracking_numbers:
        text = "Tracking: " + ", ".join(line.tracking_numbers)
        extra += wrap(text, flow.table.extra_width, EXTRA, flow.measure)
    return extra


def _cell(value: str, column: Column, flow: _Flow) -> tuple[list[str], Style]:
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


def line_rows(line: LineView, flow: _Flow) -> list[Row]:
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


def _total_lines(flow: _Flow) -> list[_TotalLine]:
    """The totals block, labels wrapped beside their amounts (fee descriptions can be long)."""
    lines: list[_TotalLine] = []
    for row in flow.view.totals:
        style = GRAND if row.grand_total else AMOUNT
        room = TOTALS_WIDTH - 2 * PAD - 2 - flow.width(row.amount, style) - 8
        label = wrap(row.label, max(room, 40.0), style, flow.measure) or [""]
        lines.append(_TotalLine(label[0], row.amount, style, row.grand_total))
        lines += [_TotalLine(more, None, style, False) for more in label[1:]]
    return lines


def closing_rows(flow: _Flow) -> list[Row]:
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
    flow = _Flow(view, measure, Table.sized_for(_widest_numbers(view, measure)))
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
