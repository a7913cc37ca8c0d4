"""Which canonical field fixes a failed rule (the `field` of a refusal, docs/einvoicing.md).

First by rule id (the rules whose business term has one canonical home), then by where in the
document the rule failed (the party, the line, the totals), else `document`. Line rules name the
line: `lines[2].vat_category`.
"""

from __future__ import annotations

from typing import Final

# Rule id -> canonical field; `lines[]` gets the failing line's index.
BY_RULE: Final[dict[str, str]] = {
    "BR-01": "document",
    "BR-02": "invoice_number",
    "BR-03": "invoice_date",
    "BR-05": "currency",
    "BR-06": "seller.legal_name (INVOICEPORT_SELLER_NAME)",
    "BR-07": "bill_to.name",
    "BR-08": "seller.address (INVOICEPORT_SELLER_COUNTRY...)",
    "BR-09": "seller.address.country (INVOICEPORT_SELLER_COUNTRY)",
    "BR-10": "bill_to",
    "BR-11": "bill_to.country",
    "BR-16": "lines",
    "BR-21": "lines[].line_number",
    "BR-22": "lines[].quantity",
    "BR-23": "lines[].unit_code",
    "BR-24": "lines[].extended_price",
    "BR-25": "lines[].description",
    "BR-26": "lines[].unit_price",
    "BR-27": "lines[].unit_price",
    "BR-33": "discount",
    "BR-CO-03": "tax_point_date",
    "BR-CO-04": "lines[].vat_category",
    "BR-CO-09": "seller.vat_id / buyer.vat_id",
    "BR-CO-10": "subtotal",
    "BR-CO-11": "discount",
    "BR-CO-12": "freight / insurance / misc_fees",
    "BR-CO-13": "subtotal",
    "BR-CO-14": "tax",
    "BR-CO-15": "total",
    "BR-CO-16": "total",
    "BR-CO-17": "tax",
    "BR-CO-18": "lines[].vat_category",
    "BR-CO-25": "due_date / payment_terms",
    "BR-CO-26": "seller.vat_id / seller.company_id",
    "BR-DE-1": "payment_means",
    "BR-DE-2": "seller.contact",
    "BR-DE-3": "seller.address.city",
    "BR-DE-4": "seller.address.postal_code",
    "BR-DE-5": "seller.contact.name",
    "BR-DE-6": "seller.contact.phone",
    "BR-DE-7": "seller.contact.email",
    "BR-DE-8": "bill_to.city",
    "BR-DE-9": "bill_to.postal_code",
    "BR-DE-15": "buyer_reference",
    "BR-DE-16": "seller.vat_id / seller.company_id",
    "BR-DE-23-a": "payment_means.iban",
    "BR-DE-17": "document_type",
    "BR-DE-21": "document (XRechnung)",
    "PEPPOL-EN16931-R003": "buyer_reference / po_number",
    "PEPPOL-EN16931-R010": "buyer.electronic_address",
    "PEPPOL-EN16931-R020": "seller.electronic_address (INVOICEPORT_SELLER_ELECTRONIC_ADDRESS)",
    "PEPPOL-EN16931-R120": "lines[].extended_price",
    "PEPPOL-EN16931-R121": "lines[].quantity",
    "PEPPOL-EN16931-R130": "lines[].unit_price",
    "PEPPOL-EN16931-R040": "discount / freight / insurance / misc_fees",
    "PEPPOL-EN16931-R041": "discount / freight / insurance / misc_fees",
    "PEPPOL-EN16931-R042": "discount / freight / insurance / misc_fees",
    "PEPPOL-EN16931-R061": "payment_means",
    "PEPPOL-EN16931-R053": "lines[].vat_category / tax",
    "PEPPOL-EN16931-R054": "lines[].vat_category / tax",
}
# Category rules (BR-S-01 ... BR-O-14): the VAT category's lines, charges or exemption reasons.
_CATEGORY_PREFIXES: Final = (
    "BR-S-",
    "BR-Z-",
    "BR-E-",
    "BR-AE-",
    "BR-IC-",
    "BR-G-",
    "BR-O-",
    "BR-IG-",
    "BR-IP-",
)
_CATEGORY_FIELD: Final = {
    "01": "lines[].vat_category",
    "02": "seller.vat_id",
    "03": "seller.vat_id",
    "04": "seller.vat_id",
    "05": "lines[].vat_rate",
    "06": "discount_vat.rate",
    "07": "freight_vat.rate / insurance_vat.rate / misc_fees[].vat.rate",
    "08": "lines[].vat_category / lines[].vat_rate",
    "09": "tax",
    "10": "vat_exemptions",
}
# Document parts -> canonical field, by the element named in a rule's location.
BY_PART: Final = (
    ("AccountingSupplierParty", "seller"),
    ("SellerTradeParty", "seller"),
    ("AccountingCustomerParty", "buyer / bill_to"),
    ("BuyerTradeParty", "buyer / bill_to"),
    ("PaymentMeans", "payment_means"),
    ("AllowanceCharge", "discount / freight / insurance / misc_fees"),
    ("TaxTotal", "tax"),
    ("ApplicableTradeTax", "tax"),
    ("LegalMonetaryTotal", "total"),
    ("MonetarySummation", "total"),
    ("Delivery", "ship_to / ship_date"),
)


def canonical_field(rule: str, location: str, line: int | None) -> str:
    """The canonical field to fix for `rule` failing at `location` (line index if in a line)."""
    field = BY_RULE.get(rule)
    if field is None and rule.startswith(_CATEGORY_PREFIXES):
        field = _CATEGORY_FIELD.get(rule.rsplit("-", 1)[-1])
    if field is None:
        if line is not None:
            field = "lines[]"
        else:
            field = next((f for part, f in BY_PART if part in location), "document")
    if line is not None and "lines[]" in field:
        field = field.replace("lines[]", f"lines[{line}]")
    return field
