"""A canonical invoice as the EN 16931 semantic model: what every format writes (BT/BG numbers).

`build(invoice, supplier)` fills every business term the canonical document can give, the
seller's from `supplier` (the supplier's settings) where the invoice does not name its own,
and computes the VAT breakdown (BG-23) exactly. The document totals (BG-22) are the stored ones:
BT-106 is `subtotal` (or the sum of the lines), BT-110 is `tax`, BT-112 and BT-115 are `total`.
When the stored totals disagree with the lines and the breakdown, the rule sets say so (BR-CO-10,
BR-CO-14, BR-CO-15) and the export is refused; nothing is "fixed" silently.

VAT of a category and rate (BT-117) is its taxable amount (BT-116) times the rate, rounded half up
to the cent, as EN 16931 requires (BR-S-09 and siblings); every other amount is written with the
digits it was stored with (normalised to at least two decimals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from invoiceport.einvoice.units import unit_code
from invoiceport.invoices.en16931 import (
    ChargeVat,
    Contact,
    ElectronicAddress,
    PaymentMeans,
    PostalAddress,
    Seller,
)
from invoiceport.invoices.schemas import CanonicalInvoice

CENT = Decimal("0.01")
ZERO = Decimal(0)
# Exemption reasons written when the invoice gives none for a category that needs one (BT-120).
DEFAULT_EXEMPTIONS = {
    "AE": "Reverse charge",
    "K": "Intra-community supply",
    "G": "Export outside the EU",
    "O": "Not subject to VAT",
}
# Categories whose rate is 0 when none is given (BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05).
ZERO_RATED = frozenset({"Z", "E", "AE", "K", "G"})


def money(value: Decimal) -> str:
    """An amount as written: its own digits, at least two decimals (12 -> 12.00, 1.5 -> 1.50)."""
    text = format(value, "f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def number(value: Decimal) -> str:
    """A quantity, rate or price without trailing zeros (2.500 -> 2.5, 19.00 -> 19)."""
    return format(value.normalize(), "f") if value else "0"


@dataclass(frozen=True, slots=True)
class Party:
    name: str | None
    vat_id: str | None = None
    company_id: str | None = None
    endpoint: ElectronicAddress | None = None
    address: PostalAddress | None = None
    contact: Contact | None = None


@dataclass(frozen=True, slots=True)
class DocLine:
    id: str
    quantity: Decimal
    unit: str
    net_amount: Decimal
    price: Decimal
    name: str
    seller_item_id: str | None
    order_line: str | None
    category: str | None
    rate: Decimal | None
    index: int


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    is_charge: bool
    amount: Decimal
    reason: str
    category: str | None
    rate: Decimal | None
    source: str  # the canonical field, for refusals


@dataclass(frozen=True, slots=True)
class VatGroup:
    category: str
    rate: Decimal | None
    taxable: Decimal
    tax: Decimal
    exemption_reason: str | None
    exemption_code: str | None


@dataclass(frozen=True, slots=True)
class Document:
    credit_note: bool
    number: str
    issue_date: date | None
    due_date: date | None
    tax_point_date: date | None
    currency: str
    buyer_reference: str | None
    order_reference: str | None
    preceding_invoice: str | None
    seller: Party
    buyer: Party
    ship_to: PostalAddress | None
    ship_to_name: str | None
    delivery_date: date | None
    payment: PaymentMeans | None
    payment_terms: str | None
    lines: list[DocLine]
    allowances_charges: list[AllowanceCharge]
    vat: list[VatGroup]
    line_total: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_exclusive: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    payable: Decimal  # BT-115
    notes: list[str] = field(default_factory=list)


def _seller(invoice: CanonicalInvoice, defaults: Seller, fallback_name: str) -> Party:
    own = invoice.seller or Seller()
    return Party(
        name=own.legal_name or defaults.legal_name or fallback_name,
        vat_id=own.vat_id or defaults.vat_id,
        company_id=own.company_id or defaults.company_id,
        endpoint=own.electronic_address or defaults.electronic_address,
        address=own.address or defaults.address,
        contact=own.contact or defaults.contact,
    )


def _buyer(invoice: CanonicalInvoice) -> Party:
    bill_to = invoice.bill_to
    country = (bill_to.country if bill_to else None) or invoice.country_code
    address = None
    if bill_to is not None and country is not None:
        address = PostalAddress(
            street=bill_to.address1,
            additional_street=bill_to.address2,
            city=bill_to.city,
            postal_code=bill_to.postal_code,
            subdivision=bill_to.state,
            country=country,
        )
    buyer = invoice.buyer
    return Party(
        name=bill_to.name if bill_to else None,
        vat_id=buyer.vat_id if buyer else None,
        company_id=buyer.company_id if buyer else None,
        endpoint=buyer.electronic_address if buyer else None,
        address=address,
        contact=buyer.contact if buyer else None,
    )


def _ship_to(invoice: CanonicalInvoice) -> tuple[PostalAddress | None, str | None]:
    ship = invoice.ship_to
    if ship is None or ship.country is None:
        return None, None
    return (
        PostalAddress(
            street=ship.address1,
            additional_street=ship.address2,
            city=ship.city,
            postal_code=ship.postal_code,
            subdivision=ship.state,
            country=ship.country,
        ),
        ship.name,
    )


def _rate(category: str | None, rate: Decimal | None) -> Decimal | None:
    if rate is None and category in ZERO_RATED:
        return ZERO
    return rate


def _line(i: int, invoice: CanonicalInvoice) -> DocLine:
    line = invoice.lines[i]
    name = (line.description or line.item_number or f"Line {line.line_number}").strip()
    return DocLine(
        id=str(line.line_number),
        quantity=line.quantity,
        unit=unit_code(line.unit_code, line.unit_of_measure),
        net_amount=line.extended_price,
        price=line.unit_price,
        name=name[:1000] or f"Line {line.line_number}",
        seller_item_id=line.item_number,
        order_line=line.po_line_number,
        category=line.vat_category,
        rate=_rate(line.vat_category, line.vat_rate),
        index=i,
    )


def _charge(
    amount: Decimal | None, vat: ChargeVat | None, reason: str, source: str, *, charge: bool = True
) -> list[AllowanceCharge]:
    if amount is None or amount == 0:
        return []
    return [
        AllowanceCharge(
            is_charge=charge,
            amount=amount,
            reason=reason,
            category=vat.category if vat else None,
            rate=_rate(vat.category, vat.rate) if vat else None,
            source=source,
        )
    ]


def _allowances_charges(invoice: CanonicalInvoice) -> list[AllowanceCharge]:
    found = _charge(invoice.discount, invoice.discount_vat, "Discount", "discount", charge=False)
    found += _charge(invoice.freight, invoice.freight_vat, "Freight", "freight")
    found += _charge(invoice.insurance, invoice.insurance_vat, "Insurance", "insurance")
    for i, fee in enumerate(invoice.misc_fees):
        reason = fee.description or fee.code or "Fee"
        found += _charge(fee.amount, fee.vat, reason, f"misc_fees[{i}]")
    return found


def _breakdown(
    lines: list[DocLine], extras: list[AllowanceCharge], invoice: CanonicalInvoice
) -> list[VatGroup]:
    taxable: dict[tuple[str, Decimal | None], Decimal] = {}
    for line in lines:
        if line.category is not None:
            key = (line.category, line.rate)
            taxable[key] = taxable.get(key, ZERO) + line.net_amount
    for extra in extras:
        if extra.category is not None:
            key = (extra.category, extra.rate)
            signed = extra.amount if extra.is_charge else -extra.amount
            taxable[key] = taxable.get(key, ZERO) + signed
    reasons = {e.category: e for e in invoice.vat_exemptions or ()}
    groups = []
    for (category, rate), basis in taxable.items():
        tax = (basis * (rate or ZERO) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        given = reasons.get(category)
        reason = given.reason if given else None
        code = given.reason_code if given else None
        if reason is None and code is None:
            reason = DEFAULT_EXEMPTIONS.get(category)
        if category in ("S", "Z", "L", "M"):
            reason = code = None
        groups.append(VatGroup(category, rate, basis, tax, reason, code))
    return groups


@dataclass(frozen=True, slots=True)
class Supplier:
    """The supplier's settings an export falls back on: seller identity, name, payment means."""

    seller: Seller
    name: str
    payment: PaymentMeans | None = None


def build(invoice: CanonicalInvoice, supplier: Supplier) -> Document:
    """The EN 16931 view of `invoice`; `supplier` fills what `invoice.seller` leaves out."""
    lines = [_line(i, invoice) for i in range(len(invoice.lines))]
    extras = _allowances_charges(invoice)
    vat = _breakdown(lines, extras, invoice)
    line_total = (
        invoice.subtotal
        if invoice.subtotal is not None
        else sum((x.net_amount for x in lines), ZERO)
    )
    allowances = sum((x.amount for x in extras if not x.is_charge), ZERO)
    charges = sum((x.amount for x in extras if x.is_charge), ZERO)
    tax_total = invoice.tax if invoice.tax is not None else sum((g.tax for g in vat), ZERO)
    ship_to, ship_to_name = _ship_to(invoice)
    payment = invoice.payment_means or supplier.payment
    if payment is not None and payment.remittance_reference is None:
        payment = payment.model_copy(update={"remittance_reference": invoice.invoice_number})
    return Document(
        credit_note=invoice.is_credit_memo,
        number=invoice.invoice_number,
        issue_date=invoice.invoice_date,
        due_date=invoice.due_date,
        tax_point_date=invoice.tax_point_date,
        currency=invoice.currency,
        buyer_reference=invoice.buyer_reference,
        order_reference=invoice.po_number,
        preceding_invoice=invoice.original_invoice_number,
        seller=_seller(invoice, supplier.seller, supplier.name),
        buyer=_buyer(invoice),
        ship_to=ship_to,
        ship_to_name=ship_to_name,
        delivery_date=invoice.ship_date or (invoice.shipment.date if invoice.shipment else None),
        payment=payment,
        payment_terms=invoice.payment_terms,
        lines=lines,
        allowances_charges=extras,
        vat=vat,
        line_total=line_total,
        allowance_total=allowances,
        charge_total=charges,
        tax_exclusive=line_total - allowances + charges,
        tax_total=tax_total,
        tax_inclusive=invoice.total,
        payable=invoice.total,
    )
