"""The canonical invoice: the one document every dialect is a view of (DESIGN.md).

Field-level format rules live here as types; the cross-field checks (arithmetic, date order, unique
line numbers) live in `validation.py` so that they can report every problem at once.

Amounts and quantities are `Decimal` and must reach these models as `Decimal`, `int` or `str`, never
as `float`: `validation.parse_document` decodes JSON with `parse_float=Decimal` for that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from invoiceport.invoices.codes import (
    COUNTRY_CODES,
    CREDIT_MEMO_REASONS,
    CURRENCY_CODES,
    HOLD_REASONS,
    ORDER_STATUSES,
)
from invoiceport.invoices.en16931 import (
    Buyer,
    ChargeVat,
    PaymentMeans,
    Seller,
    UnitCode,
    VatCategory,
    VatExemption,
    VatRate,
)
from invoiceport.invoices.textchecks import (
    EMAIL_PATTERN,
    EMAIL_SHAPE,
    KEY_PART_PATTERN,
    NO_CONTROL_PATTERN,
    number_or_text,
)
from invoiceport.invoices.trusted import rebuild

MAX_LINES = 10_000
MAX_LIST = 10_000


def _blank_to_none(value: Any) -> Any:
    """The Ingram code tables write "no code" as blank; accept "" and store it as null."""
    return None if value == "" else value


def _code_in(table: dict[str, str] | frozenset[str], what: str) -> AfterValidator:
    def check(value: str | None) -> str | None:
        if value is not None and value not in table:
            raise ValueError(f"unknown {what} {value!r}")
        return value

    return AfterValidator(check)


def _not_before_1900(value: date) -> date:
    if value.year < 1900:
        raise ValueError("year must be 1900 or later")
    return value


def _utc(value: datetime) -> datetime:
    """Date-times are stored in UTC; a date-time without an offset is taken as UTC. The year is
    checked on the UTC value, the one stored (1900-01-01T00:30+01:00 is 1899 in UTC), and first
    on the value given, which keeps years near 1 from overflowing in the conversion."""
    if value.year < 1900:
        raise ValueError("year must be 1900 or later")
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-01:00 is past the last year Python has
        raise ValueError("out of range once converted to UTC") from None
    if value.year < 1900:
        raise ValueError("year must be 1900 or later")
    return value


# The published JSON schema (admin OpenAPI) says what the checks were written as: a string of
# some length, an e-mail shape; the patterns above are how they run, not part of the contract.
Text = Annotated[
    str,
    number_or_text(max_length=255, min_length=None, pattern=NO_CONTROL_PATTERN),
    WithJsonSchema({"maxLength": 255, "type": "string"}),
]
LongText = Annotated[
    str,
    StringConstraints(max_length=2000, pattern=NO_CONTROL_PATTERN),
    WithJsonSchema({"maxLength": 2000, "type": "string"}),
]
KeyPart = Annotated[
    str,
    number_or_text(max_length=64, min_length=1, pattern=KEY_PART_PATTERN),
    WithJsonSchema({"maxLength": 64, "minLength": 1, "type": "string"}),
]
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=EMAIL_PATTERN),
    WithJsonSchema({"maxLength": 254, "pattern": EMAIL_SHAPE, "type": "string"}),
]
# Decimals leave as plain decimal strings ("1500.00", never "1.5E+3"), keeping every digit given.
_DecimalText = PlainSerializer(lambda d: format(d, "f"), return_type=str, when_used="json")
Money = Annotated[
    Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=6), _DecimalText
]
Quantity = Annotated[
    Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=6), _DecimalText
]
Rate = Annotated[
    Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=10, gt=0), _DecimalText
]
Day = Annotated[date, AfterValidator(_not_before_1900)]
Moment = Annotated[datetime, AfterValidator(_utc)]
Currency = Annotated[str, _code_in(CURRENCY_CODES, "ISO 4217 currency code")]
Country = Annotated[str, _code_in(COUNTRY_CODES, "ISO 3166-1 alpha-2 country code")]
HoldReason = Annotated[
    str | None, BeforeValidator(_blank_to_none), _code_in(HOLD_REASONS, "hold reason code")
]
CreditMemoReason = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    _code_in(CREDIT_MEMO_REASONS, "credit memo reason code"),
]
OrderStatus = Annotated[
    str | None, BeforeValidator(_blank_to_none), _code_in(ORDER_STATUSES, "order status code")
]
TextList = Annotated[list[Text], Field(max_length=MAX_LIST)]


class _Strict(BaseModel):
    """Unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Address(_Strict):
    name: Text | None = None
    name2: Text | None = None
    attention: Text | None = None
    address1: Text | None = None
    address2: Text | None = None
    address3: Text | None = None
    city: Text | None = None
    state: Text | None = None
    postal_code: Text | None = None
    country: Country | None = None


class ShipToAccount(_Strict):
    number: Text | None = None
    name: Text | None = None


class SalesRep(_Strict):
    code: Text | None = None
    name: Text | None = None
    email: Email | None = None


class Shipment(_Strict):
    number: Text | None = None
    date: Day | None = None


class ShippingOption(_Strict):
    code: Text | None = None
    description: Text | None = None


class MiscFee(_Strict):
    code: Text | None = None
    description: Text | None = None
    amount: Money
    vat: ChargeVat | None = None  # EN 16931 BT-102/103


class ExtendedSpec(_Strict):
    name: Text
    value: LongText | None = None


class Line(_Strict):
    line_number: int = Field(ge=0, le=10_000_000)
    quantity: Quantity
    unit_price: Money
    extended_price: Money
    item_number: Text | None = None
    manufacturer_part_number: Text | None = None
    description: LongText | None = None
    category_code: Text | None = None
    unit_of_measure: Text | None = None
    po_line_number: Text | None = None
    reference_line_number: Text | None = None
    global_line_number: Text | None = None
    quantity_ordered: Quantity | None = None
    quantity_committed: Quantity | None = None
    quantity_backordered: Quantity | None = None
    backorder_eta: Day | None = None
    quantity_shipped: Quantity | None = None
    ship_from_branch: Text | None = None
    special_bid_number: Text | None = None
    order_suffix: Text | None = None
    delivery_number: Text | None = None
    delivery_line_number: Text | None = None
    serial_numbers: TextList = Field(default_factory=list)
    tracking_numbers: TextList = Field(default_factory=list)
    extended_specs: list[ExtendedSpec] = Field(default_factory=list, max_length=MAX_LIST)
    # EN 16931 (docs/canonical-invoice.md): BT-151, BT-152, BT-130 (else from unit_of_measure)
    vat_category: VatCategory | None = None
    vat_rate: VatRate | None = None
    unit_code: UnitCode | None = None


Environment = Literal["production", "sandbox"]
DocumentType = Literal["invoice", "credit_memo"]
Status = Literal["open", "invoiced", "paid", "cancelled"]

SERVER_MANAGED = frozenset({"created_at", "updated_at", "version"})


class CanonicalInvoice(_Strict):
    """One invoice or credit memo as a supplier loads it.

    Key: (environment, customer_number, invoice_number).
    """

    invoice_number: KeyPart
    customer_number: KeyPart
    currency: Currency
    total: Money
    lines: list[Line] = Field(max_length=MAX_LINES)

    # identity and state
    environment: Environment = "production"
    document_type: DocumentType = "invoice"
    status: Status | None = None
    order_status: OrderStatus = None
    hold_reason: HoldReason = None
    credit_memo_reason: CreditMemoReason = None
    original_invoice_number: Text | None = None

    # accounts
    bill_to_account: KeyPart | None = None
    bill_to_suffix: Text | None = None
    ship_to_suffix: Text | None = None
    country_code: Country | None = None
    ship_to_account: ShipToAccount | None = None
    branch_number: Text | None = None

    # order
    sales_order_number: Text | None = None
    order_name: Text | None = None
    po_number: Text | None = None
    end_user_po_number: Text | None = None
    reference_number: Text | None = None
    order_date: Moment | None = None
    sales_type: Text | None = None
    payment_terms: Text | None = None
    sales_rep: SalesRep | None = None
    entered_by_email: Email | None = None

    # dates
    invoice_date: Day | None = None
    due_date: Day | None = None
    ship_date: Day | None = None
    cancelled_at: Moment | None = None

    # addresses
    bill_to: Address | None = None
    ship_to: Address | None = None

    # shipping
    shipment: Shipment | None = None
    shipping_option: ShippingOption | None = None
    freight_forwarder_code: Text | None = None
    ship_complete: bool | None = None
    weight: Quantity | None = None
    tracking_numbers: TextList = Field(default_factory=list)

    # money
    company_currency: Currency | None = None
    currency_rate: Rate | None = None
    subtotal: Money | None = None
    tax: Money | None = None
    freight: Money | None = None
    foreign_freight: Money | None = None
    insurance: Money | None = None
    discount: Money | None = None
    misc_fees: list[MiscFee] = Field(default_factory=list, max_length=MAX_LIST)

    extended_specs: list[ExtendedSpec] = Field(default_factory=list, max_length=MAX_LIST)

    # EN 16931 e-invoices (docs/canonical-invoice.md, "EN 16931"); all optional
    seller: Seller | None = None
    buyer: Buyer | None = None
    buyer_reference: Text | None = None
    tax_point_date: Day | None = None
    freight_vat: ChargeVat | None = None
    insurance_vat: ChargeVat | None = None
    discount_vat: ChargeVat | None = None
    vat_exemptions: Annotated[list[VatExemption], Field(max_length=20)] | None = None
    payment_means: PaymentMeans | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_server_managed(cls, data: Any) -> Any:
        """A stored document read back from the admin API may be sent again as it is."""
        if isinstance(data, dict) and SERVER_MANAGED & data.keys():
            return {k: v for k, v in data.items() if k not in SERVER_MANAGED}
        return data

    @model_validator(mode="after")
    def _default_bill_to_account(self) -> CanonicalInvoice:
        if self.bill_to_account is None:
            object.__setattr__(self, "bill_to_account", self.customer_number)
        return self

    @property
    def is_credit_memo(self) -> bool:
        return self.document_type == "credit_memo"


@dataclass(frozen=True, slots=True)
class StoredInvoice:
    """A stored canonical document with its server-managed fields."""

    id: int
    document: bytes
    version: int
    created_at: datetime
    updated_at: datetime

    def invoice(self) -> CanonicalInvoice:
        """The document as a model; it was validated when stored (see `invoices.trusted`)."""
        return rebuild(CanonicalInvoice, orjson.loads(self.document))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self.document)
        data["version"] = self.version
        data["created_at"] = self.created_at.isoformat().replace("+00:00", "Z")
        data["updated_at"] = self.updated_at.isoformat().replace("+00:00", "Z")
        return data


__all__ = [
    "CREDIT_MEMO_REASONS",
    "HOLD_REASONS",
    "ORDER_STATUSES",
    "Address",
    "CanonicalInvoice",
    "Line",
    "MiscFee",
    "StoredInvoice",
]
