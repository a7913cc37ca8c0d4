"""A ReportLab TrueType font that reuses its embedded subsets from one document to the next.

ReportLab embeds, per document, one subset font per 256 characters used, and builds each one from
scratch: cut the glyphs out of the TTF, compress them, write a ToUnicode map and a widths array.
That is more than half the time of a one-page invoice. Most invoices use the same subset (printable
ASCII sits at fixed codes, see `fonts.Face`), so the finished pieces are cached, keyed by exactly
what determines them: the subset's position and its list of characters. The objects written are
the ones `TTFont.addObjects` writes (ReportLab 4.x/5.x), byte for byte;
`tests/pdf/test_render.py::test_subset_cache_writes_the_same_bytes_as_reportlab` holds us to that.

Imported only by `fonts.Face`, on first render, because it imports ReportLab.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

# Set to False to fall back to ReportLab's own `addObjects` (tests compare the two).
ENABLED = True
CACHE_SIZE = 64  # per process; an entry is the compressed subset, typically 10-30 kB


class _Parts:
    """What one subset contributes to every document that uses it."""

    __slots__ = ("font_file", "font_file_length", "to_unicode", "widths")

    def __init__(
        self, widths: bytes, to_unicode: bytes, font_file: bytes, font_file_length: int
    ) -> None:
        self.widths = widths
        self.to_unicode = to_unicode
        self.font_file = font_file
        self.font_file_length = font_file_length


def _flate(data: bytes, compression: bool) -> bytes:
    return bytes(pdfdoc.PDFZCompress.encode(data)) if compression else data


@lru_cache(maxsize=CACHE_SIZE)
def _parts(face: Any, base_font_name: str, subset: tuple[int, ...], compression: bool) -> _Parts:
    # The widths array does not depend on the document: format it once, keep the bytes.
    widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset))).format(None)
    # The CMap is ASCII, so its bytes are what ReportLab itself would write.
    to_unicode = _flate(makeToUnicodeCMap(base_font_name, subset).encode("ascii"), compression)
    font_file = face.makeSubset(subset)
    return _Parts(widths, to_unicode, _flate(font_file, compression), len(font_file))


def _stream(content: bytes, compression: bool, **entries: Any) -> Any:
    """A stream whose content is already filtered, so ReportLab writes it as it is."""
    dictionary = pdfdoc.PDFDictionary(entries)
    if compression:
        dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
    return pdfdoc.PDFStream(dictionary, content)


class CachingTTFont(TTFont):  # type: ignore[misc]  # ReportLab has no type information
    """`TTFont` whose per-document subset objects come from `_parts`."""

    def addObjects(self, doc: Any) -> None:
        if not ENABLED:
            super().addObjects(doc)
            return
        # Mirrors TTFont.addObjects and TTFontFace.addSubsetObjects, including the order in
        # which objects are referenced (it decides the object numbers).
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        compression = bool(doc.compression)
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_font_name = (b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode(
                "pdfdoc"
            )
            parts = _parts(face, base_font_name, tuple(subset), compression)

            pdf_font = pdfdoc.PDFTrueTypeFont()
            pdf_font.__Comment__ = f"Font {self.fontName} subset {n}"
            pdf_font.Name = internal_name
            pdf_font.BaseFont = base_font_name
            pdf_font.FirstChar = 0
            pdf_font.LastChar = len(subset) - 1
            pdf_font.Widths = parts.widths
            cmap = _stream(parts.to_unicode, compression)
            pdf_font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_font_name)

            font_file = _stream(parts.font_file, compression, Length1=parts.font_file_length)
            font_file_ref = doc.Reference(font_file, f"fontFile:{face.filename}({base_font_name})")
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": flags,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(base_font_name),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": font_file_ref,
                    "MissingWidth": face.defaultWidth,
                }
            )
            pdf_font.FontDescriptor = doc.Reference(descriptor, "fontDescriptor:" + base_font_name)

            doc.Reference(pdf_font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = pdf_font
        del self.state[doc]


def clear_cache() -> None:
    """Forget every cached subset (the benchmark uses it to measure the uncached case)."""
    _parts.cache_clear()
