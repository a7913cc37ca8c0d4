"""The `data` of every webhook event in the ABC dialect's wire shape: its history item.

The core builds the event (`webhooks.payloads.InvoiceEventData`) and calls the renderer
registered with it; `register_webhook_payloads` (in this package's `__init__`) registers this one.
The fields, their order and their formats are those of `views.item` (tests/webhooks/test_payloads.py
compares the two byte for byte), so a receiver reads the same item the history route answers.
"""

from __future__ import annotations

from invoiceport.dialects.abcsupply.render import dumps, timestamp
from invoiceport.webhooks.payloads import InvoiceEventData


def render_data(event: InvoiceEventData) -> bytes:
    """The history item of the invoice the event is about, as JSON (numbers keep their digits)."""
    return dumps(
        {
            "invoiceNumber": event.invoice_number,
            "invoiceDate": timestamp(event.invoice_date),
            "orderNumber": event.sales_order_number,
            "orderName": event.order_name,
            "orderDate": timestamp(event.order_date),
            "purchaseOrderNumber": event.po_number,
            "salesType": event.sales_type,
            "isCreditMemo": event.is_credit_memo,
            "orginalInvoiceReference": event.original_invoice_number,  # sic: the seed's spelling
            "salesRep": {"userId": event.sales_rep_code, "fullName": event.sales_rep_name},
            "shipTo": {"number": event.ship_to_number, "name": event.ship_to_name},
            "branchNumber": event.branch_number,
            "shipment": {
                "shipmentNumber": event.shipment_number,
                "shipmentDate": timestamp(event.shipment_date),
            },
            "subTotal": event.subtotal,
            "taxAmount": event.tax,
            "total": event.total,
        }
    )
