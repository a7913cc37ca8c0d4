"""What every native route shares: the environment of a path, content negotiation, and
conditional requests (strong ETags on documents, weak ones on pages, `Last-Modified`, 304).

A route builds its router with `native_router()` (the kit's pipeline for this dialect) and
answers 304 from `not_modified` before it renders anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from invoiceport.dialects.native.dialect import DIALECT
from invoiceport.dialects.native.errors import Problem
from invoiceport.kit import route_class
from invoiceport.pdf.http import etag_for, if_none_match_matches

SANDBOX = "/v1/sandbox/"
CACHE_CONTROL = "private, no-cache"
JSON = "application/json"
PDF = "application/pdf"
CSV = "text/csv"


def native_router() -> APIRouter:
    """A router whose routes run the native dialect's pipeline (auth, limits, problem details)."""
    return APIRouter(route_class=route_class(DIALECT), include_in_schema=False)


def environment_of(request: Request) -> str:
    """`/v1/sandbox/...` is the sandbox, `/v1/...` production (read from the scope: building
    `request.url` parses the whole URL, a tenth of a detail request's CPU)."""
    path: str = request.scope["path"]
    return "sandbox" if path.startswith(SANDBOX) else "production"


def _ranges(accept: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((media.lower(), q))
    return out


def negotiate(request: Request, offers: tuple[str, ...]) -> str:
    """The offer the `Accept` header prefers (the first offer when it says nothing), or 406."""
    accept = request.headers.get("accept", "").strip()
    if not accept:
        return offers[0]
    best: tuple[float, int, str] | None = None
    for media, q in _ranges(accept):
        if q <= 0:
            continue
        for rank, offer in enumerate(offers):
            kind = offer.split("/")[0]
            if media in (offer, "*/*", f"{kind}/*"):
                specific = 0 if media == offer else 1
                candidate = (-q, specific * 10 + rank, offer)
                if best is None or candidate < best:
                    best = candidate
    if best is None:
        detail = f"Accept: this resource is available as {', '.join(offers)}"
        raise Problem(406, detail, "Accept")
    return best[2]


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def strong_etag(source: str) -> str:
    return etag_for(source)


def weak_etag(source: str) -> str:
    return "W/" + etag_for(source)


def _since(header: str | None) -> datetime | None:
    if not header:
        return None
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None  # RFC 9110: an invalid date is ignored
    if when is None or when.tzinfo is None:
        return None
    return when


def not_modified(
    request: Request, etag: str, last_modified: datetime | None = None
) -> Response | None:
    """304 when the client holds this representation (RFC 9110 section 13.2.2): `If-None-Match`
    first (weak comparison); `If-Modified-Since` only when there is no `If-None-Match`."""
    headers = validators(etag, last_modified)
    inm = request.headers.get("if-none-match")
    if inm is not None:
        return (
            Response(status_code=304, headers=headers) if if_none_match_matches(inm, etag) else None
        )
    since = _since(request.headers.get("if-modified-since"))
    if (
        since is not None
        and last_modified is not None
        and last_modified.replace(microsecond=0) <= since
    ):
        return Response(status_code=304, headers=headers)
    return None


def validators(etag: str, last_modified: datetime | None = None) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    return headers
