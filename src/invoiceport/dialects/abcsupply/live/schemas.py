"""Response models of the live generation, for its served OpenAPI document only (the JSON is
built by `views.py` and never validated against these: money must stay exact)."""

from __future__ import annotations

from pydantic import Field

from invoiceport.dialects.abcsupply.schemas import Item, Number, _Doc


class Party(_Doc):
    number: str | None
    name: str | None


class Branch(_Doc):
    number: str | None
    name: str | None
    city: str | None
    state: str | None


class ShippedQty(_Doc):
    value: Number
    uom: str | None


class PriceQty(_Doc):
    value: Number
    uom: str | None
    priceConversionFactor: Number


class Line(_Doc):
    lineNumber: int
    itemNumber: str | None
    itemDescription: str | None
    shippedQty: ShippedQty
    priceQty: PriceQty
    pricePerUnitAmount: Number
    extendedPriceAmount: Number


class InvoiceById(Item):
    """The history item plus the parties, the branch and every line."""

    billTo: Party
    soldTo: Party
    branch: Branch
    creditRebillReason: str | None = Field(description="The credit memo's reason code")
    lines: list[Line]
