"""The detail route's fast path (`invoiceport.fastpath`): the same answer as `routes.invoice_detail`
for a JSON detail, from one query, without the framework. Everything else falls through to the
route: a missing or inactive key, an ungranted customer, an unknown invoice, a bad parameter, XML.
"""

from __future__ import annotations

import logging

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Scope

from invoiceport import ratelimit
from invoiceport.db import DatabaseUnavailable, RawPool
from invoiceport.dialects.scansource import media, params, views
from invoiceport.dialects.scansource.auth import DIALECT, refusal
from invoiceport.dialects.scansource.errors import render_error
from invoiceport.fastpath import Answer
from invoiceport.fastpath.service import invoice_for_api_key
from invoiceport.partners.schemas import Principal
from invoiceport.web import ApiError, unavailable_response

log = logging.getLogger("invoiceport")

PREFIX = "/api/invoice/detail/"
_KEY = b"ocp-apim-subscription-key"
_ACCEPT = b"accept"
_VARY = (b"vary", b"Accept")  # as Starlette writes the route's `{"Vary": "Accept"}`
_CONTENT_TYPES = {
    media_type: (b"content-type", f"{media_type}; charset=utf-8".encode())
    for media_type in (media.JSON, media.TEXT_JSON)
}


def _headers(scope: Scope) -> tuple[str, str | None]:
    """The subscription key and Accept, as Starlette reads them (the first of each, latin-1)."""
    key: bytes | None = None
    accept: bytes | None = None
    for name, value in scope["headers"]:
        if name == _KEY and key is None:
            key = value
        elif name == _ACCEPT and accept is None:
            accept = value
    return (
        (key or b"").decode("latin-1").strip(),
        None if accept is None else accept.decode("latin-1"),
    )


class DetailFastPath:
    """`GET /api/invoice/detail/{customerNumber}/{invoiceNumber}` as JSON, or None to pass."""

    def __init__(self, pool: RawPool, cache: views.DetailCache, *, limited: bool) -> None:
        self.pool = pool
        self.cache = cache  # shared with the route: each version is rendered once per process
        self.limited = limited  # whether any rate limit may apply to this dialect (start-up)

    async def __call__(self, scope: Scope) -> Answer | None:
        customer_number, slash, invoice_number = scope["path"][len(PREFIX) :].partition("/")
        if not (slash and params.can_be_key(customer_number) and params.can_be_key(invoice_number)):
            return None
        key, accept = _headers(scope)
        if not key:
            return None
        try:
            chosen = media.negotiate(accept, media.DATA_TYPES)
            query = scope["query_string"]
            serials = not query or not params.exclude_serial_tracking(QueryParams(query))
        except ApiError:
            return None
        content_type = _CONTENT_TYPES.get(chosen)
        if content_type is None:
            return None  # XML
        wanted = (customer_number, invoice_number, serials)
        cached = self.cache.get(wanted)
        try:
            found = await invoice_for_api_key(
                self.pool,
                key,
                params.ENVIRONMENT,
                customer_number,
                invoice_number,
                known=None if cached is None else cached[:2],
            )
        except DatabaseUnavailable as exc:
            log.warning("database unavailable: %s", exc)
            return Answer.of(unavailable_response(Request(scope)))
        if found is None or found.version is None:
            return None
        limit_headers: list[tuple[bytes, bytes]] = []
        if self.limited:
            principal = Principal.model_construct(
                partner_id=found.partner_id, customer_numbers=frozenset([customer_number])
            )
            decision = await ratelimit.check(Request(scope), DIALECT, principal, default=None)
            if decision is not None:
                if not decision.allowed:
                    error = refusal(decision)
                    return Answer.of(
                        render_error(error.status_code, error.message, None, error.headers)
                    )
                # As the route's `response.headers.update(...)` adds them: lower-case, last.
                limit_headers = [
                    (k.lower().encode("latin-1"), v.encode("latin-1"))
                    for k, v in decision.headers.items()
                ]
        if found.invoice is not None:
            body = views.detail_json(found.invoice, wanted, self.cache)
        elif cached is not None and cached[0] == found.version:
            body = cached[2]  # the version already rendered: the query left the document out
        else:  # pragma: no cover - a version went backwards, which ingest never does
            return None
        # The route's order: Vary, then what Starlette's Response adds, then the limit headers.
        length = (b"content-length", str(len(body)).encode())
        return Answer(200, [_VARY, length, content_type, *limit_headers], body)
