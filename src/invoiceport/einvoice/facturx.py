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


def _with_output_intent(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
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
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def facturx_pdf(pdf: bytes, cii: bytes, *, title: str, author: str, subject: str) -> bytes:
    """`pdf` made PDF/A-3b with `cii` attached as factur-x.xml (checked before, not here)."""
    from facturx import generate_from_binary

    logging.getLogger("factur-x").setLevel(logging.WARNING)
    return bytes(
        generate_from_binary(
            _with_output_intent(pdf),
            cii,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            pdf_metadata={
                "title": title,
                "author": author,
                "subject": subject,
                "keywords": "Factur-X",
            },
            lang="en-US",
            afrelationship="data",
            xmp_compression=False,
        )
    )
