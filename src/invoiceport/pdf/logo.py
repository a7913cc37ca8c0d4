"""The letterhead logo: sized, decoded and compressed once per process, not once per PDF.

ReportLab's `Canvas.drawImage` reads a PNG and compresses its pixels again for every document:
about 6 ms for a 600 x 160 logo, more than the whole rest of a one-page invoice. Here the image
object is built once; each document gets a copy, registered under the name `drawImage` itself
would give it, so that `drawImage` finds it and only places it on the page. The bytes written are
the same (`tests/pdf/test_render.py::test_logo_cache_writes_the_same_bytes_as_reportlab`).

The logo file is read once per process: restart the server after replacing it.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_WIDTH = 170.0
MAX_HEIGHT = 48.0
MASK = "auto"  # PNG transparency becomes a soft mask

# Set to False to let `drawImage` build the image itself (tests compare the two).
ENABLED = True


@lru_cache(maxsize=8)
def logo_size(path: Path) -> tuple[float, float]:
    """The logo's box in points: as large as fits MAX_WIDTH x MAX_HEIGHT, aspect ratio kept."""
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(str(path)).getSize()
    scale = min(MAX_WIDTH / width, MAX_HEIGHT / height)
    return round(width * scale, 2), round(height * scale, 2)


@lru_cache(maxsize=8)
def _image(source: str) -> Any:
    from reportlab.lib.utils import _digester
    from reportlab.pdfbase import pdfdoc

    # The name Canvas.drawImage derives from a file name and mask.
    return pdfdoc.PDFImageXObject(_digester(f"{source}{MASK}".encode()), source, mask=MASK)


def _register(canvas: Any, template: Any) -> None:
    """Add a copy of `template` to the canvas's document as `drawImage` would (canvas.py)."""
    from reportlab.pdfbase import pdfdoc

    doc = canvas._doc
    name = doc.getXObjectName(template.name)
    if name in doc.idToObject:
        return
    image = copy.copy(template)
    canvas._setXObjects(image)
    doc.Reference(image, name)
    doc.addForm(image.name, image)
    smask = getattr(template, "_smask", None)
    if smask is not None:
        del image._smask
        smask = copy.copy(smask)
        mask_name = doc.getXObjectName(smask.name)
        if mask_name in doc.idToObject:
            image.smask = pdfdoc.PDFObjectReference(mask_name)
        else:
            canvas._setXObjects(smask)
            image.smask = doc.Reference(smask, mask_name)


def draw_logo(canvas: Any, path: Path, x: float, y: float, width: float, height: float) -> None:
    source = str(path)
    if ENABLED:
        _register(canvas, _image(source))
    canvas.drawImage(source, x, y, width, height, mask=MASK)
