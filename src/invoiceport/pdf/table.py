"""The line table's columns: which, how wide for this invoice, and where each starts."""

from __future__ import annotations

import math
from dataclasses import dataclass

from invoiceport.pdf.drawing import CONTENT_WIDTH, LEFT, PAD, RIGHT


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
