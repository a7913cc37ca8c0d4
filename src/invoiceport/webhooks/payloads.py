"""The webhook event payload as a core contract: what an invoice event says, and its envelope.

An event's `data` is built here from the canonical invoice as an `InvoiceEventData` (the key,
numbers, dates and amounts a receiver needs), and turned into bytes by the renderer a dialect
registers: the ABC Supply dialect's, whose wire shape is its history item (docs/webhooks.md).
The core never imports a dialect; `create_app` and the CLI register the renderer
(`invoiceport.dialects.abcsupply.register_webhook_payloads`) before anything is ingested.

The envelope around `data` (`type`, `timestamp`, `environment`, `billToAccount`, `version`) is
the same for every event and is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import orjson

from invoiceport.invoices.schemas import CanonicalInvoice


class InvoiceEventData(NamedTuple):
    """What an invoice or credit memo event tells a receiver, at the version that caused it.

    A NamedTuple rather than a dataclass: `invoiceport import` builds one per document, and a
    tuple is built in half the time.
    """

    environment: str
    customer_number: str
    bill_to_account: str
    invoice_number: str
    is_credit_memo: bool
    original_invoice_number: str | None
    invoice_date: date | None
    order_date: datetime | None
    sales_order_number: str | None
    order_name: str | None
    po_number: str | None
    sales_type: str | None
    branch_number: str | None
    sales_rep_code: str | None
    sales_rep_name: str | None
    ship_to_number: str | None
    ship_to_name: str | None  # the ship-to account's name, else the ship-to address's
    shipment_number: str | None
    shipment_date: date | None  # the shipment's date, else the invoice's ship date
    currency: str
    subtotal: Decimal  # as stored, else the sum of the lines (the canonical rule)
    tax: Decimal  # an absent tax is 0, as in the total's check
    total: Decimal


def event_data(invoice: CanonicalInvoice) -> InvoiceEventData:
    rep = invoice.sales_rep
    account = invoice.ship_to_account
    shipment = invoice.shipment
    subtotal = invoice.subtotal
    if subtotal is None:
        subtotal = sum((line.extended_price for line in invoice.lines), Decimal(0))
    assert invoice.bill_to_account is not None  # defaults to the customer number
    return InvoiceEventData(
        environment=invoice.environment,
        customer_number=invoice.customer_number,
        bill_to_account=invoice.bill_to_account,
        invoice_number=invoice.invoice_number,
        is_credit_memo=invoice.is_credit_memo,
        original_invoice_number=invoice.original_invoice_number,
        invoice_date=invoice.invoice_date,
        order_date=invoice.order_date,
        sales_order_number=invoice.sales_order_number,
        order_name=invoice.order_name,
        po_number=invoice.po_number,
        sales_type=invoice.sales_type,
        branch_number=invoice.branch_number,
        sales_rep_code=rep.code if rep else None,
        sales_rep_name=rep.name if rep else None,
        ship_to_number=account.number if account else None,
        ship_to_name=(account.name if account else None)
        or (invoice.ship_to.name if invoice.ship_to else None),
        shipment_number=shipment.number if shipment else None,
        shipment_date=(shipment.date if shipment else None) or invoice.ship_date,
        currency=invoice.currency,
        subtotal=subtotal,
        tax=invoice.tax if invoice.tax is not None else Decimal(0),
        total=invoice.total,
    )


# --- the renderer of `data`, registered by a dialect -------------------------------------------

DataRenderer = Callable[[InvoiceEventData], bytes]
"""Turns an event's data into the JSON bytes of the payload's `data`."""

_renderer: DataRenderer | None = None


class RendererMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "no webhook payload renderer is registered: create_app or the CLI registers the "
            "ABC Supply dialect's (invoiceport.dialects.abcsupply.register_webhook_payloads)"
        )


def register_data_renderer(renderer: DataRenderer) -> None:
    """Make `renderer` write every event's `data` in this process.

    One renderer per process: registering the same one again is harmless (several apps in one
    process), another one is refused, as stored payloads would then depend on start-up order.
    """
    global _renderer
    if _renderer is not None and _renderer is not renderer:
        raise ValueError(f"a webhook payload renderer is already registered: {_renderer!r}")
    _renderer = renderer


def data_renderer() -> DataRenderer:
    if _renderer is None:
        raise RendererMissing()
    return _renderer


def render_data(invoice: CanonicalInvoice) -> bytes:
    """The `data` of an invoice's events, as JSON bytes."""
    return data_renderer()(event_data(invoice))


# --- the notification body, registered by a dialect ------------------------------------------

NotificationRenderer = Callable[[bytes, str], bytes]
"""(the stored payload, its webhook-id) -> the body of a `notification`-style delivery."""

_notification: NotificationRenderer | None = None


def register_notification_renderer(renderer: NotificationRenderer) -> None:
    """Make `renderer` write the body of every `notification`-style delivery in this process
    (ABC Supply's v2 notifications); the same rule as `register_data_renderer`."""
    global _notification
    if _notification is not None and _notification is not renderer:
        raise ValueError(f"a notification renderer is already registered: {_notification!r}")
    _notification = renderer


def notification_body(payload: bytes, message_id: str) -> bytes:
    """The body a `notification` endpoint receives for the event whose payload is `payload`."""
    if _notification is None:
        raise RendererMissing()
    return _notification(payload, message_id)


# --- the envelope ---------------------------------------------------------------------------------


def utc_millis(at: datetime) -> str:
    """`2025-11-12T14:03:11.512Z`: UTC, milliseconds, `Z`."""
    at = at.astimezone(UTC)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"


def envelope(
    kind: str,
    when: str,
    environment: str,
    bill_to_account: str | None,
    version: int,
    data: bytes,
) -> bytes:
    """Standard Webhooks' `{type, timestamp, data}` with our metadata; `when` is `utc_millis`."""
    # orjson writes a Fragment's bytes as they are: the same bytes as the dict they came from.
    return orjson.dumps(
        {
            "type": kind,
            "timestamp": when,
            "environment": environment,
            "billToAccount": bill_to_account,
            "version": version,
            "data": orjson.Fragment(data),
        }
    )
