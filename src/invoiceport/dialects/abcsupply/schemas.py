"""Response models for the served OpenAPI document (`/abcsupply/openapi.json`) only.

Responses are built by `views.py` and never validated against these (money must stay exact);
they describe the JSON for readers and client generators. Money is a JSON `number`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

Number = Annotated[Decimal, WithJsonSchema({"type": "number", "example": 732.41})]
DateTime = Annotated[
    str | None,
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "example": "2025-11-12T00:00:00.000Z",
        }
    ),
]


class _Doc(BaseModel):
    """Field names are the vendor's (camelCase), exactly as the JSON has them."""

    model_config = ConfigDict(populate_by_name=True)


class Pagination(_Doc):
    pageNumber: int
    itemsPerPage: int
    totalPages: int
    totalItems: int


class SalesRep(_Doc):
    userId: str | None
    fullName: str | None


class ShipTo(_Doc):
    number: str | None
    name: str | None


class Shipment(_Doc):
    shipmentNumber: str | None
    shipmentDate: DateTime


class Item(_Doc):
    invoiceNumber: str
    invoiceDate: DateTime
    orderNumber: str | None
    orderName: str | None
    orderDate: DateTime
    purchaseOrderNumber: str | None
    salesType: str | None
    isCreditMemo: bool
    orginalInvoiceReference: str | None = Field(
        description="The original invoice a credit memo refers to (the vendor's spelling)"
    )
    salesRep: SalesRep
    shipTo: ShipTo
    branchNumber: str | None
    shipment: Shipment
    subTotal: Number
    taxAmount: Number
    total: Number


class History(_Doc):
    pagination: Pagination
    items: list[Item]


class Line(_Doc):
    lineNumber: int
    itemNumber: str | None
    manufacturerPartNumber: str | None
    description: str | None
    unitOfMeasure: str | None
    quantityOrdered: Number | None
    quantityShipped: Number | None
    quantity: Number
    unitPrice: Number
    extendedPrice: Number
    serialNumbers: list[str]
    trackingNumbers: list[str]


class InvoiceDetail(Item):
    """The history item plus its lines (an invoiceport extension)."""

    lines: list[Line]


class Error(_Doc):
    status: int
    error: str
    message: str
    errors: list[str] | None = None


class Webhook(_Doc):
    id: int
    url: str
    events: list[str]
    environment: str
    status: str = Field(description="enabled or disabled")
    disabledReason: str | None
    disabledAt: DateTime
    failingSince: DateTime
    createdAt: DateTime
    updatedAt: DateTime
    previousSecretExpiresAt: DateTime


class WebhookWithSecret(Webhook):
    secret: str = Field(description="whsec_...: shown this once", examples=["whsec_MfKQ9r8..."])


class Webhooks(_Doc):
    items: list[Webhook]


class Attempt(_Doc):
    number: int
    startedAt: DateTime
    finishedAt: DateTime
    outcome: str | None = Field(description="succeeded, failed, abandoned; null while sending")
    statusCode: int | None
    durationMs: int | None
    error: str | None
    responseExcerpt: str | None


class Delivery(_Doc):
    id: int
    webhookId: int
    messageId: str = Field(description="The webhook-id header of every attempt")
    eventType: str
    invoiceNumber: str
    version: int
    status: str = Field(description="pending, succeeded, failed or cancelled")
    attemptCount: int
    nextAttemptAt: DateTime
    lastStatusCode: int | None
    lastError: str | None
    createdAt: DateTime
    deliveredAt: DateTime


class DeliveryWithAttempts(Delivery):
    attempts: list[Attempt]


class Deliveries(_Doc):
    pagination: Pagination
    items: list[Delivery]


class Attempts(_Doc):
    items: list[Attempt]
