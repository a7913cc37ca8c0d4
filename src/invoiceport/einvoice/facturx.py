"""Factur-X / ZUGFeRD (EN 16931 profile): the invoice PDF as PDF/A-3b with its CII attached.

The PDF is the one the existing renderer makes (`invoiceport.pdf`: TrueType fonts embedded as
subsets, no transparency). This adds what PDF/A-3b needs beyond that: an sRGB output intent
(ICC profile made once per process by LittleCMS through Pillow), and, through the `factur-x`
library, the XMP metadata (PDF/A-3 part and conformance B, the Factur-X extension schema and
level EN 16931) and the CII as the embedded file `factur-x.xml` with `AFRelationship /Data`,
listed in the catalog's `/AF`. The XMP stream is left uncompressed, as PDF/A wants.
"""

from __future__ import annotations

import functools
import io
import logging

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

FILENAME = "factur-x.xml"


@functools.cache
def srgb_profile() -> bytes:
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def _add_output_intent(writer: PdfWriter) -> None:
    icc = StreamObject()
    icc._data = srgb_profile()
    icc.update({NameObject("/N"): NumberObject(3)})
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(icc.flate_encode()),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])


def facturx_pdf(pdf: bytes, cii: bytes, *, title: str, author: str, subject: str) -> bytes:
    """`pdf` made PDF/A-3b with `cii` attached as factur-x.xml (checked before, not here).

    One pypdf pass: the PDF is read and cloned once, the output intent added, then the factur-x
    library's own step for the attachment and the XMP (what its `generate_from_binary` does
    after a second read and clone of the PDF) runs on the same writer, and it is written once.
    """
    from facturx.facturx import _facturx_update_metadata_add_attachment

    logging.getLogger("factur-x").setLevel(logging.WARNING)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    _add_output_intent(writer)
    writer._header = b"%PDF-1.6"
    _facturx_update_metadata_add_attachment(
        writer,
        cii,
        {"title": title, "author": author, "subject": subject, "keywords": "Factur-X"},
        "factur-x",
        "en16931",
        lang="en-US",
        afrelationship="data",
        xmp_compression=False,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
