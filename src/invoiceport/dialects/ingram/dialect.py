"""The Ingram Micro dialect, declared for the kit: bearer tokens, the `serviceresponse` error
envelope, and the seed's rate limit of 60 requests a minute per client."""

from __future__ import annotations

from invoiceport.dialects.ingram.errors import PREFIXES, render_error
from invoiceport.kit import Bearer, Dialect

DIALECT = Dialect(
    name="ingram",
    credential=Bearer(),
    render_error=render_error,
    prefixes=PREFIXES,
    default_limit="60 per 60 seconds",  # the seed's "Rate Limiting" table
)
