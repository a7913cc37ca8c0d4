"""Partner records as the admin API and CLI see them (secrets never appear here)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from invoiceport.invoices.schemas import KeyPart
from invoiceport.invoices.textchecks import _no_control_chars as no_control_chars

# OAuth scopes (docs/oauth.md). A client is created with all of them unless told otherwise, and
# a token requested without `scope` carries all of its client's.
INVOICE_READ = "invoice.read"  # Ingram Micro's invoice routes
Scope = Literal["invoice.history.read", "invoice.webhooks.manage", "invoice.read"]
ALL_SCOPES: tuple[Scope, ...] = ("invoice.history.read", "invoice.webhooks.manage", "invoice.read")


CLIENT_ID_MAX_LENGTH = 64  # the column's width: the admin API and CLI refuse longer ids


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The one validation of what the admin API and the CLI store: both build these models.
PartnerName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=255, strip_whitespace=True),
    AfterValidator(no_control_chars),  # NUL was a 500 on PostgreSQL (docs/hardening.md)
]
CustomerNumbers = Annotated[list[KeyPart], Field(max_length=10_000)]


class PartnerCreate(_Strict):
    name: PartnerName
    customer_numbers: CustomerNumbers = Field(default_factory=list)


class CustomerGrant(_Strict):
    """Customer numbers to grant to a partner or to take away from it (admin API
    `POST /partners/{id}/customers` and `.../customers/revoke`; `invoiceport partner grant` and
    `revoke`)."""

    customer_numbers: CustomerNumbers = Field(min_length=1)


class PartnerRename(_Strict):
    """A partner's new name (`PATCH /admin/v1/partners/{id}`; `invoiceport partner rename`)."""

    name: PartnerName


class OAuthClientCreate(_Strict):
    scopes: list[Scope] = Field(default_factory=lambda: list(ALL_SCOPES))


class ApiKeyInfo(_Strict):
    id: int
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class OAuthClientInfo(_Strict):
    client_id: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class Partner(_Strict):
    id: int
    name: str
    customer_numbers: list[str]
    created_at: datetime
    api_keys: list[ApiKeyInfo] = Field(default_factory=list)
    oauth_clients: list[OAuthClientInfo] = Field(default_factory=list)


class Principal(_Strict):
    """Who is calling a dialect route, and what they may see."""

    partner_id: int
    customer_numbers: frozenset[str]
    scopes: frozenset[str] = frozenset()
    # The OAuth client a bearer token was issued to (None for API keys); rate limits count by it.
    client_id: str | None = None

    def may_see(self, customer_number: str) -> bool:
        return customer_number in self.customer_numbers
