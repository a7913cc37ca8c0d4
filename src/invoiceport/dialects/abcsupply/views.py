"""Canonical invoice -> ABC Supply JSON (`seeds/001_*`): field names, formats and JSON types.

The seed's names are kept exactly, the misspelt `orginalInvoiceReference` included. Date-times
look like `2025-11-12T00:00:00.000Z` (dates become midnight UTC). The seed types `subTotal`,
`taxAmount` and `total` as numbers, so they are JSON numbers written from the exact decimal text
(`732.41`, never a float's `732.4099999`): see `dumps`.

The item shape is also the `data` of every webhook payload (`events.py` renders it from the
core's `webhooks.payloads.InvoiceEventData`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response

# Re-exported: the dialect's JSON and date-times, for its routes (render.py has no HTTP).
from invoiceport.dialects.abcsupply.render import dumps as dumps
from invoiceport.dialects.abcsupply.render import timestamp as timestamp
from invoiceport.invoices.schemas import CanonicalInvoice, Line
from invoiceport.webhooks.schemas import Attempt, Delivery, Endpoint


class AbcJSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def _subtotal(invoice: CanonicalInvoice) -> Decimal:
    """The stored subtotal, else the sum of the lines (the canonical rule for an absent one)."""
    if invoice.subtotal is not None:
        return invoice.subtotal
    return sum((line.extended_price for line in invoice.lines), Decimal(0))


def item(invoice: CanonicalInvoice) -> dict[str, Any]:
    """One entry of `items` in the history response, in the seed's field order."""
    rep = invoice.sales_rep
    ship_to_account = invoice.ship_to_account
    ship_to_name = (ship_to_account.name if ship_to_account else None) or (
        invoice.ship_to.name if invoice.ship_to else None
    )
    shipment = invoice.shipment
    return {
        "invoiceNumber": invoice.invoice_number,
        "invoiceDate": timestamp(invoice.invoice_date),
        "orderNumber": invoice.sales_order_number,
        "orderName": invoice.order_name,
        "orderDate": timestamp(invoice.order_date),
        "purchaseOrderNumber": invoice.po_number,
        "salesType": invoice.sales_type,
        "isCreditMemo": invoice.is_credit_memo,
        "orginalInvoiceReference": invoice.original_invoice_number,  # sic: the seed's spelling
        "salesRep": {
            "userId": rep.code if rep else None,
            "fullName": rep.name if rep else None,
        },
        "shipTo": {
            "number": ship_to_account.number if ship_to_account else None,
            "name": ship_to_name,
        },
        "branchNumber": invoice.branch_number,
        "shipment": {
            "shipmentNumber": shipment.number if shipment else None,
            "shipmentDate": timestamp((shipment.date if shipment else None) or invoice.ship_date),
        },
        "subTotal": _subtotal(invoice),
        "taxAmount": invoice.tax if invoice.tax is not None else Decimal(0),
        "total": invoice.total,
    }


def line(value: Line) -> dict[str, Any]:
    """A line of `GET /invoices/{invoiceId}` (an extension: the seed shows no lines)."""
    return {
        "lineNumber": value.line_number,
        "itemNumber": value.item_number,
        "manufacturerPartNumber": value.manufacturer_part_number,
        "description": value.description,
        "unitOfMeasure": value.unit_of_measure,
        "quantityOrdered": value.quantity_ordered,
        "quantityShipped": value.quantity_shipped,
        "quantity": value.quantity,
        "unitPrice": value.unit_price,
        "extendedPrice": value.extended_price,
        "serialNumbers": list(value.serial_numbers),
        "trackingNumbers": list(value.tracking_numbers),
    }


def detail(invoice: CanonicalInvoice) -> dict[str, Any]:
    """`GET /invoices/{invoiceId}`: the history item plus `lines`."""
    return item(invoice) | {"lines": [line(each) for each in invoice.lines]}


def pagination(*, page: int, page_size: int, total: int) -> dict[str, int]:
    """The seed's `pagination` object (also used by the webhook delivery listing)."""
    return {
        "pageNumber": page,
        "itemsPerPage": page_size,
        "totalPages": (total + page_size - 1) // page_size,
        "totalItems": total,
    }


def history(
    items: list[orjson.Fragment], *, page: int, page_size: int, total: int
) -> dict[str, Any]:
    """The history page around its items, each already rendered (`item`)."""
    return {"pagination": pagination(page=page, page_size=page_size, total=total), "items": items}


# --- webhook management (the `/api/invoice/v1/webhooks` routes) ---------------------------------


def webhook(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "environment": endpoint.environment,
        "status": endpoint.status,
        "disabledReason": endpoint.disabled_reason,
        "disabledAt": timestamp(endpoint.disabled_at),
        "failingSince": timestamp(endpoint.failing_since),
        "createdAt": timestamp(endpoint.created_at),
        "updatedAt": timestamp(endpoint.updated_at),
        "previousSecretExpiresAt": timestamp(endpoint.previous_secret_expires_at),
    }


def delivery(value: Delivery) -> dict[str, Any]:
    return {
        "id": value.id,
        "webhookId": value.endpoint_id,
        "messageId": value.message_id,
        "eventType": value.event_type,
        "invoiceNumber": value.invoice_number,
        "version": value.version,
        "status": value.status,
        "attemptCount": value.attempt_count,
        "nextAttemptAt": timestamp(value.next_attempt_at),
        "lastStatusCode": value.last_status_code,
        "lastError": value.last_error,
        "createdAt": timestamp(value.created_at),
        "deliveredAt": timestamp(value.delivered_at),
    }


def attempt(value: Attempt) -> dict[str, Any]:
    return {
        "number": value.number,
        "startedAt": timestamp(value.started_at),
        "finishedAt": timestamp(value.finished_at),
        "outcome": value.outcome,
        "statusCode": value.status_code,
        "durationMs": value.duration_ms,
        "error": value.error,
        "responseExcerpt": value.response_excerpt,
    }
