"""The native partner API, declared for the kit: the partner's API key (`Authorization: Bearer
<key>` or the subscription-key header `Ocp-Apim-Subscription-Key`) or an OAuth 2.0 token with
the scope `invoice.read`; problem details for errors; no limit of its own
(`INVOICEPORT_RATE_LIMITS='{"native": "600/minute"}'` sets one)."""

from __future__ import annotations

from invoiceport.dialects.native.errors import PREFIXES, render_error
from invoiceport.kit import Dialect, KeyOrBearer
from invoiceport.partners.schemas import INVOICE_READ

KEY_HEADER = "Ocp-Apim-Subscription-Key"  # the subscription-key header, as ScanSource

DIALECT = Dialect(
    name="native",
    credential=KeyOrBearer(KEY_HEADER, scope=INVOICE_READ),
    render_error=render_error,
    prefixes=PREFIXES,
    reject_nul=True,
)
