"""The fonts every invoice PDF embeds, and the three things the layout asks of them.

* **Which face draws a character.** DejaVu Sans Condensed (regular and bold) covers Latin, Greek
  and Cyrillic; a CJK subset of Droid Sans Fallback takes over, character by character, for
  anything DejaVu lacks. Both are shipped in `fonts/` (see `fonts/README.md`) and embedded as
  subsets, so a PDF looks the same in every viewer and never depends on the reader's fonts.
* **How wide a string is**, from the same advance widths ReportLab writes into the PDF, so that
  right-aligned amounts really end at the column edge.
* **How a string is encoded** for a content stream (`DocumentEncoder`): ReportLab's dynamic
  TrueType subsets give each character a byte in a 256-glyph subset font per document.

Nothing is loaded at import time: the first render imports ReportLab and parses the two DejaVu
faces (about 120 ms together); the CJK face (50 ms more) is parsed only when some text needs it.
"""

from __future__ import annotations

import string
import threading
from pathlib import Path
from typing import Any

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR_FILE = FONT_DIR / "DejaVuSansCondensed.ttf"
BOLD_FILE = FONT_DIR / "DejaVuSansCondensed-Bold.ttf"
CJK_FILE = FONT_DIR / "DroidSansFallback-CJK.ttf"

# Names in ReportLab's font registry; prefixed so they cannot clash with a caller's own fonts.
REGULAR_NAME = "Invoiceport-DejaVuSansCondensed"
BOLD_NAME = "Invoiceport-DejaVuSansCondensed-Bold"
CJK_NAME = "Invoiceport-DroidSansFallback-CJK"

_PRINTABLE_ASCII = "".join(chr(c) for c in range(32, 127))
_WHITESPACE = frozenset(string.whitespace) | {"\u00a0"}


class Face:
    """One embedded TrueType font with the lookups the layout needs on its hot path."""

    __slots__ = (
        "ascii_identity",
        "covers",
        "default_width",
        "font",
        "name",
        "synthetic_bold",
        "widths",
    )

    def __init__(self, name: str, path: Path, *, synthetic_bold: bool = False) -> None:
        from reportlab.pdfbase import pdfmetrics

        from invoiceport.pdf.subsets import CachingTTFont

        # asciiReadable puts printable ASCII at its own code in subset 0 of every document, which
        # is what lets `DocumentEncoder` skip ReportLab's per-character loop for ASCII text.
        font = CachingTTFont(name, str(path), asciiReadable=1)
        # Registered so the canvas can use it as its initial font: otherwise ReportLab starts
        # every page with Helvetica, a font that is not embedded.
        pdfmetrics.registerFont(font)
        self.name = name
        self.font: Any = font
        self.synthetic_bold = synthetic_bold
        self.widths: dict[int, float] = font.face.charWidths
        self.default_width: float = font.face.defaultWidth
        self.covers: dict[int, int] = font.face.charToGlyph
        # Checked rather than assumed: should a ReportLab upgrade assign ASCII codes differently,
        # `DocumentEncoder` quietly takes the slow path instead of writing wrong glyphs.
        probe = _Probe()
        self.ascii_identity = font.splitString(_PRINTABLE_ASCII, probe) == [
            (0, _PRINTABLE_ASCII.encode())
        ]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` points, in points."""
        try:  # the common case, every character in the font, as one C-level loop
            return sum(map(self.widths.__getitem__, map(ord, text))) * size / 1000.0
        except KeyError:
            get, default = self.widths.get, self.default_width
            return sum([get(ord(c), default) for c in text]) * size / 1000.0


class _Probe:
    """A stand-in document: ReportLab keys per-document subset state by a weak reference."""


class DocumentEncoder:
    """Encodes text for the content streams of one PDF document.

    ReportLab assigns each character a code in one of a font's per-document subsets; this keeps
    the resulting font resource names at hand and skips the per-character assignment loop for
    printable ASCII, whose codes are fixed (see `Face.ascii_identity`).
    """

    __slots__ = ("_doc", "_names", "_started")

    def __init__(self, doc: object) -> None:
        self._doc = doc
        self._names: dict[tuple[str, int], str] = {}
        self._started: set[str] = set()

    def _name(self, face: Face, subset: int) -> str:
        key = (face.name, subset)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = face.font.getSubsetInternalName(subset, self._doc)
        return name

    def encode(self, face: Face, text: str) -> list[tuple[str, bytes]]:
        """(font resource name, bytes) chunks that draw `text` with `face`."""
        fast = face.ascii_identity and face.name in self._started
        if fast and text.isascii() and text.isprintable():
            return [(self._name(face, 0), text.encode("ascii"))]
        # The first call per face goes through splitString, which sets up the document's subset
        # state exactly as it always does, so the fast path above never changes the output.
        chunks = face.font.splitString(text, self._doc)
        self._started.add(face.name)
        return [(self._name(face, subset), chunk) for subset, chunk in chunks]


class Fonts:
    """The faces of one process, with per-character fallback from DejaVu to the CJK face."""

    def __init__(self) -> None:
        self.regular = Face(REGULAR_NAME, REGULAR_FILE)
        self.bold = Face(BOLD_NAME, BOLD_FILE)
        self._cjk: Face | None = None
        self._cjk_lock = threading.Lock()

    @property
    def cjk(self) -> Face:
        """The CJK fallback face, parsed on first use: 1.7 MB that most invoices never need."""
        if self._cjk is None:
            with self._cjk_lock:
                if self._cjk is None:
                    # Droid Sans Fallback has no bold; bold CJK is drawn filled and stroked.
                    self._cjk = Face(CJK_NAME, CJK_FILE, synthetic_bold=True)
        return self._cjk

    def runs(self, text: str, bold: bool) -> list[tuple[Face, str]]:
        """Split `text` into runs that one face can draw, preferring DejaVu."""
        primary = self.bold if bold else self.regular
        if text.isascii():
            return [(primary, text)]
        covers = primary.covers
        runs: list[tuple[Face, str]] = []
        face = primary
        start = 0
        for i, char in enumerate(text):
            # White space always comes from DejaVu: the CJK subset has no space glyph.
            if ord(char) in covers or char in _WHITESPACE:
                wanted = primary
            elif ord(char) in self.cjk.covers:
                wanted = self.cjk
            else:
                wanted = primary  # nobody has it: DejaVu's "missing glyph" box, and it is kept
            if wanted is not face:
                if i > start:
                    runs.append((face, text[start:i]))
                face, start = wanted, i
        runs.append((face, text[start:]))
        return runs

    def width(self, text: str, size: float, bold: bool) -> float:
        """Advance width of `text` as `runs` will draw it."""
        if text.isascii():
            return (self.bold if bold else self.regular).width(text, size)
        return sum(face.width(run, size) for face, run in self.runs(text, bold))


_fonts: Fonts | None = None
_fonts_lock = threading.Lock()


def get_fonts() -> Fonts:
    """The process-wide `Fonts`, created on first use (thread-safe)."""
    global _fonts
    if _fonts is None:
        with _fonts_lock:
            if _fonts is None:
                _fonts = Fonts()
    return _fonts
