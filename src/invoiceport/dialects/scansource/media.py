"""`Accept` negotiation (RFC 9110 section 12.5.1) between the few media types a route can send.

Each media range may carry a `q` weight; the most specific range that matches an offered type
gives its weight (`text/xml` over `text/*` over `*/*`). The offer with the highest weight above
zero wins, ties going to the route's own order (JSON first). No `Accept` header means anything.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from invoiceport.platform.web import ApiError

JSON = "application/json"
TEXT_JSON = "text/json"
XML = "application/xml"
TEXT_XML = "text/xml"
PDF = "application/pdf"

DATA_TYPES = (JSON, TEXT_JSON, XML, TEXT_XML)
"""What the summary, list and detail routes can send (the classic docs list all four)."""
PDF_TYPES = (PDF,)

MAX_RANGES = 64  # a longer Accept header is cut here; real clients send a handful


@dataclass(frozen=True, slots=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match `media_type`, else 0 (*/*), 1 (type/*) or 2."""
        offered_type, _, offered_subtype = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != offered_type:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == offered_subtype else -1


def _weight(params: list[str]) -> float | None:
    """The `q` parameter (1 when absent); None when it is not a valid qvalue."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None
            return q if 0 <= q <= 1 else None
    return 1.0


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an `Accept` value; malformed entries are skipped."""
    ranges = []
    for entry in header.split(",")[:MAX_RANGES]:
        media, *params = entry.split(";")
        type_, slash, subtype = media.strip().lower().partition("/")
        q = _weight(params)
        if not slash or not type_ or not subtype or q is None:
            continue
        ranges.append(MediaRange(type_, subtype, q))
    return ranges


def choose(header: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them."""
    if header is None or not header.strip():
        return offered[0]
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]  # nothing parseable: treat like no preference rather than refuse
    best: tuple[float, str] | None = None
    for media_type in offered:
        matching = [(r.specificity(media_type), r.q) for r in ranges]
        specific = max((m for m in matching if m[0] >= 0), default=None)
        if specific is None or specific[1] <= 0:
            continue
        if best is None or specific[1] > best[0]:
            best = (specific[1], media_type)
    return None if best is None else best[1]


def negotiate(header: str | None, offered: tuple[str, ...]) -> str:
    """The media type to send, or 406 naming what this route can send."""
    chosen = choose(header, offered)
    if chosen is None:
        raise ApiError(
            406,
            f"cannot send any media type the Accept header allows; available: {', '.join(offered)}",
        )
    return chosen


def is_xml(chosen: str) -> bool:
    """Whether the negotiated media type is one of the XML ones."""
    return chosen in (XML, TEXT_XML)


ItemKey = tuple[Hashable, ...]
"""The render-cache prefix of a page's item views (`kit.Read.items`)."""


def json_items(accept: str | None, prefix_of: Callable[[], ItemKey]) -> ItemKey | None:
    """The prefix of a summary or list page's item views when its answer is JSON; None for XML
    (its items are rendered from their documents), or when `Accept` or a parameter is refused
    (the route answers that, in its own order of checks)."""
    try:
        chosen = negotiate(accept, DATA_TYPES)
        return None if is_xml(chosen) else prefix_of()
    except ApiError:
        return None
