"""Serving a rendered PDF over HTTP: strong ETag, 304 on `If-None-Match`, download filename.

A stored invoice version never changes, so its PDF never changes either: the ETag is a hash of
what identifies the version (for example "production/C-1/INV-7/3") and of `RENDER_REVISION`, and a
client that already has those bytes gets a 304 without anything being rendered.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from invoiceport.invoices.schemas import StoredInvoice
from invoiceport.pdf import Letterhead, render_invoice_pdf
from invoiceport.pdf.renders import RETRY_AFTER_SECONDS, PdfRenders, RenderQueueFull
from invoiceport.platform.web import ApiError

# Bump whenever the page layout changes, so that clients holding an old rendering fetch the new one.
RENDER_REVISION = "1"
CACHE_CONTROL = "private, no-cache"
MEDIA_TYPE = "application/pdf"
MAX_FILENAME_LENGTH = 120

# RFC 9110 section 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE.
_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')
_UNSAFE_FILENAME_CHARS = re.compile(r"[^\w.+-]+")
# RFC 8187 attr-char, less ALPHA / DIGIT which `quote` never escapes.
_ATTR_CHAR_PUNCTUATION = "!#$&+-.^_`|~"


def etag_for(etag_source: str) -> str:
    """A strong entity tag (quoted) for the representation identified by `etag_source`."""
    digest = hashlib.sha256(f"{RENDER_REVISION}\n{etag_source}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def if_none_match_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 section 13.1.2: `*`, or any listed tag equal to ours by weak comparison.

    Weak comparison ignores a `W/` prefix on either side, which is what If-None-Match asks for
    (a client may have been given a weakened tag by an intermediary that compressed the body).
    """
    if header is None:
        return False
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    position = 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None:
            return False  # malformed: treat as no match and send the PDF
        if match.group(1) == ours:
            return True
        position = match.end()
    return False


def _ascii_fallback(stem: str) -> str:
    """ "Müller" becomes "Muller"; what has no ASCII form at all is dropped."""
    decomposed = unicodedata.normalize("NFKD", stem)
    return _clean(decomposed.encode("ascii", "ignore").decode("ascii")) or "invoice.pdf"


def _clean(name: str) -> str:
    """Letters, digits, `.`, `+`, `-` and `_` only, not at either end; at most 120 characters."""
    stem = _UNSAFE_FILENAME_CHARS.sub("_", name).strip("._-")
    if stem.lower().endswith(".pdf"):
        stem = stem[:-4]
    stem = stem[:MAX_FILENAME_LENGTH].strip("._-")
    return f"{stem}.pdf" if stem else ""


def content_disposition(filename: str) -> str:
    """`attachment` with a safe ASCII `filename`, plus RFC 8187 `filename*` when that lost anything.

    Invoice numbers come from partners' ERPs, so the name is cleaned of path separators, quotes
    and control characters before it goes anywhere near a header.
    """
    name = _clean(unicodedata.normalize("NFC", filename)) or "invoice.pdf"
    fallback = _ascii_fallback(name.removesuffix(".pdf"))
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHAR_PUNCTUATION)}"
    return header


def pdf_response(
    request: Request,
    pdf_bytes_factory: Callable[[], bytes],
    *,
    etag_source: str,
    filename: str,
) -> Response:
    """The PDF, or 304 Not Modified if the client already has this version.

    `pdf_bytes_factory` is called only when the body is actually sent. It runs in the calling
    thread: from an async route, call this through `starlette.concurrency.run_in_threadpool` when
    invoices can be long (a 500-line invoice takes about 60 ms to render).
    """
    etag = etag_for(etag_source)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if if_none_match_matches(request.headers.get("if-none-match"), etag):
        if request.method in ("GET", "HEAD"):
            return Response(status_code=304, headers=headers)
        return Response(status_code=412, headers=headers)  # RFC 9110 section 13.1.2
    headers["Content-Disposition"] = content_disposition(filename)
    return Response(pdf_bytes_factory(), media_type=MEDIA_TYPE, headers=headers)


async def stored_invoice_pdf(
    request: Request,
    stored: StoredInvoice,
    letterhead: Letterhead,
    *,
    partner_id: int,
    etag_source: str,
    filename: str,
) -> Response:
    """A stored invoice's PDF for a dialect route: from the cache of rendered versions, or rendered
    off the event loop within the partner's share of renders (`pdf.renders`); nothing is rendered
    for a 304.

    The cache key is what makes the bytes: `etag_source` (the dialect's environment, customer and
    invoice, and the version), the stored row and its version and `updated_at` (a replaced row
    starts again at version 1), the letterhead, and `RENDER_REVISION`.
    """
    if if_none_match_matches(request.headers.get("if-none-match"), etag_for(etag_source)):
        nothing = bytes  # a 304 (or 412) has no body: nothing is rendered
        return pdf_response(request, nothing, etag_source=etag_source, filename=filename)

    def render() -> bytes:
        return render_invoice_pdf(stored.invoice(), letterhead=letterhead, version=stored.version)

    renders: PdfRenders = request.app.state.context.pdf_renders
    key = (RENDER_REVISION, etag_source, stored.id, stored.version, stored.updated_at, letterhead)
    try:
        pdf = await renders.pdf(partner_id, key, render)
    except RenderQueueFull as exc:
        raise ApiError(429, str(exc), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    return pdf_response(request, lambda: pdf, etag_source=etag_source, filename=filename)
