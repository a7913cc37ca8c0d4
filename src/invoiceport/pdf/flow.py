"""The flow that places rows on pages (`layout` explains how), and the table header it repeats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from invoiceport.pdf.drawing import (
    ACCENT,
    BAND,
    BODY_BOTTOM,
    CELL_HEAD,
    CONTENT_WIDTH,
    CONTINUATION_BODY_TOP,
    CONTINUED,
    FOOTER,
    FOOTER_RULE_Y,
    FOOTER_Y,
    HAIRLINE,
    LEFT,
    PAD,
    RIGHT,
    TABLE_HEADER_HEIGHT,
    TOP,
    Fill,
    Measure,
    Op,
    Page,
    Rule,
    Style,
    Text,
)
from invoiceport.pdf.table import Table
from invoiceport.pdf.view import InvoiceView


@dataclass(slots=True)
class Row:
    height: float
    paint: Callable[[float], list[Op]]  # called with the row's top y
    table: bool = False  # a line-table row: needs the column header above it on a new page
    keep_with_next: bool = False
    spacer: bool = False  # dropped at the top of a page


@dataclass(slots=True)
class Flow:
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


def table_header(flow: Flow) -> Row:
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
