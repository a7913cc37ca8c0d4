"""Ingram Micro's live invoice API (XI, v6 and v6.1), declared for the kit beside v5.

The same bearer tokens with the scope `invoice.read` as v5, and the same rate-limit key
(`ingram`): a client's requests to v5 and v6 count against one limit, the seed's 60 a minute
unless `INVOICEPORT_RATE_LIMITS` names another. Errors take the XI `ErrorResponse` shape.
"""

from __future__ import annotations

from invoiceport.dialects.ingram.dialect import DIALECT as V5
from invoiceport.dialects.ingram.v6.errors import PREFIXES, render_error
from invoiceport.kit import Dialect

DIALECT = Dialect(
    name=V5.name,
    credential=V5.credential,
    render_error=render_error,
    prefixes=PREFIXES,
    default_limit=V5.default_limit,
)
