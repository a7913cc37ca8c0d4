"""The live generation's descriptors: the seed's error shape and NUL rule, with per-route scopes.

By id accepts `invoice.read` (what live clients ask for) or `invoice.history.read` (what the seed's
by-id route took); the PDF takes `invoice.read`; a 403 names the scope that is missing. The v2
notification webhooks take the seed's `invoice.webhooks.manage`.
"""

from __future__ import annotations

from dataclasses import replace

from invoiceport.dialects.abcsupply.dialect import HISTORY_SCOPE, INVOICES, WEBHOOKS
from invoiceport.kit import Bearer
from invoiceport.partners.schemas import INVOICE_READ

BY_ID = replace(INVOICES, credential=Bearer(INVOICE_READ, also=(HISTORY_SCOPE,)))
PDF = replace(INVOICES, credential=Bearer(INVOICE_READ))
NOTIFICATIONS = replace(WEBHOOKS, prefixes=("/api/notification/v2/",))
"""v2 notification webhooks: the seed's webhook scope and refusals, errors in the ABC shape."""
