"""The ABC Supply dialect, declared for the kit: bearer tokens with the seed's scopes, the
Spring-style error shape, NUL refused before anything else, no rate limit of its own.

Rate limits (`docs/rate-limits.md`, dialect name `abcsupply`) apply only when the settings name
one: the seed gives no limit.
"""

from __future__ import annotations

from dataclasses import replace

from invoiceport.dialects.abcsupply import errors
from invoiceport.kit import Bearer, Dialect
from invoiceport.platform.web import ApiError
from invoiceport.webhooks import service

HISTORY_SCOPE = "invoice.history.read"
WEBHOOKS_SCOPE = "invoice.webhooks.manage"

INVOICES = Dialect(
    name="abcsupply",
    credential=Bearer(HISTORY_SCOPE),
    render_error=errors.render_error,
    prefixes=(errors.PREFIX,),
    reject_nul=True,  # NUL in an invoice id is a 400 before it can reach PostgreSQL
)


def _webhook_error(exc: Exception) -> ApiError | None:
    """Unknown (or another partner's) webhooks and deliveries are 404; refusals say why."""
    if isinstance(exc, service.EndpointNotFound | service.DeliveryNotFound):
        return ApiError(404, str(exc))
    if isinstance(exc, service.WebhookRequestRefused):
        return ApiError(exc.status_code, str(exc))
    return None


WEBHOOKS = replace(
    INVOICES, credential=Bearer(WEBHOOKS_SCOPE), reject_nul=False, translate=_webhook_error
)
