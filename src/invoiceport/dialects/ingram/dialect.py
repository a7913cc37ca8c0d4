"""The Ingram Micro dialect, declared for the kit: bearer tokens with the scope `invoice.read`
(a token requested without a scope has all of its client's, as before), the `serviceresponse`
error envelope, and the seed's rate limit of 60 requests a minute per client."""

from __future__ import annotations

from invoiceport.dialects.ingram.errors import PREFIXES, render_error
from invoiceport.kit import Bearer, Dialect
from invoiceport.partners.schemas import INVOICE_READ

DIALECT = Dialect(
    name="ingram",
    credential=Bearer(INVOICE_READ),
    render_error=render_error,
    prefixes=PREFIXES,
    default_limit="60 per 60 seconds",  # the seed's "Rate Limiting" table
)
