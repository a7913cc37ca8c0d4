"""What is drawn on a page: its geometry, colours, text styles, drawing operations, and
line breaking (`wrap`). Coordinates are PDF points from the bottom-left corner of a US Letter page
(`layout` says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

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
