"""UBL 2.1 Invoice and CreditNote for Peppol BIS Billing 3.0 and XRechnung 3.0 (EN 16931 syntax
binding for UBL). Element order follows the UBL 2.1 schemas; amounts carry `currencyID`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from lxml import etree

from invoiceport.einvoice.model import Document, Party, money, number
from invoiceport.invoices.en16931 import PostalAddress

CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"

PEPPOL: Final = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
XRECHNUNG: Final = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PROFILE: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

Sub = Callable[..., etree._Element]


def _maker(parent: etree._Element) -> tuple[Sub, Sub]:
    def cbc(tag: str, text: str | None, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        el.text = text
        return el

    def cac(tag: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{tag}")

    return cbc, cac


def _amount(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    el = etree.SubElement(parent, f"{{{CBC}}}{tag}", currencyID=currency)
    el.text = money(value)


def _text(parent: etree._Element, tag: str, value: str | None, **attrs: str) -> None:
    if value:
        el = etree.SubElement(parent, f"{{{CBC}}}{tag}", attrs)
        el.text = value


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{tag}")


def _address(parent: etree._Element, tag: str, address: PostalAddress) -> None:
    el = _sub(parent, tag)
    _text(el, "StreetName", address.street)
    _text(el, "AdditionalStreetName", address.additional_street)
    _text(el, "CityName", address.city)
    _text(el, "PostalZone", address.postal_code)
    _text(el, "CountrySubentity", address.subdivision)
    _text(_sub(el, "Country"), "IdentificationCode", address.country)


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    el = _sub(_sub(parent, tag), "Party")
    if party.endpoint is not None:
        _text(el, "EndpointID", party.endpoint.id, schemeID=party.endpoint.scheme)
    if party.address is not None:
        _address(el, "PostalAddress", party.address)
    if party.vat_id:
        scheme = _sub(el, "PartyTaxScheme")
        _text(scheme, "CompanyID", party.vat_id)
        _text(_sub(scheme, "TaxScheme"), "ID", "VAT")
    legal = _sub(el, "PartyLegalEntity")
    _text(legal, "RegistrationName", party.name)
    _text(legal, "CompanyID", party.company_id)
    contact = party.contact
    if contact is not None and (contact.name or contact.phone or contact.email):
        c = _sub(el, "Contact")
        _text(c, "Name", contact.name)
        _text(c, "Telephone", contact.phone)
        _text(c, "ElectronicMail", contact.email)


def _category(parent: etree._Element, tag: str, cat: str | None, rate: Decimal | None) -> None:
    el = _sub(parent, tag)
    _text(el, "ID", cat)
    if rate is not None:
        _text(el, "Percent", number(rate))
    _text(_sub(el, "TaxScheme"), "ID", "VAT")


def build_ubl(doc: Document, *, xrechnung: bool = False) -> bytes:
    """The document as UBL bytes (UTF-8, with an XML declaration)."""
    credit = doc.credit_note
    ns = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: ns, "cac": CAC, "cbc": CBC}
    )
    cur = doc.currency
    _text(root, "CustomizationID", XRECHNUNG if xrechnung else PEPPOL)
    _text(root, "ProfileID", PROFILE)
    _text(root, "ID", doc.number)
    _text(root, "IssueDate", doc.issue_date.isoformat() if doc.issue_date else None)
    if not credit:
        _text(root, "DueDate", doc.due_date.isoformat() if doc.due_date else None)
        _text(root, "InvoiceTypeCode", "380")
    else:
        _text(root, "TaxPointDate", doc.tax_point_date.isoformat() if doc.tax_point_date else None)
        _text(root, "CreditNoteTypeCode", "381")
    for note in doc.notes:
        _text(root, "Note", note)
    if not credit:
        _text(root, "TaxPointDate", doc.tax_point_date.isoformat() if doc.tax_point_date else None)
    _text(root, "DocumentCurrencyCode", cur)
    _text(root, "BuyerReference", doc.buyer_reference)
    if doc.order_reference:
        _text(_sub(root, "OrderReference"), "ID", doc.order_reference)
    if doc.preceding_invoice:
        ref = _sub(_sub(root, "BillingReference"), "InvoiceDocumentReference")
        _text(ref, "ID", doc.preceding_invoice)
    _party(root, "AccountingSupplierParty", doc.seller)
    _party(root, "AccountingCustomerParty", doc.buyer)
    if doc.delivery_date or doc.ship_to:
        delivery = _sub(root, "Delivery")
        _text(
            delivery,
            "ActualDeliveryDate",
            doc.delivery_date.isoformat() if doc.delivery_date else None,
        )
        if doc.ship_to is not None:
            _address(_sub(delivery, "DeliveryLocation"), "Address", doc.ship_to)
            if doc.ship_to_name:
                _text(_sub(_sub(delivery, "DeliveryParty"), "PartyName"), "Name", doc.ship_to_name)
    if doc.payment is not None:
        pay = _sub(root, "PaymentMeans")
        _text(pay, "PaymentMeansCode", doc.payment.code)
        if credit:
            _text(pay, "PaymentDueDate", doc.due_date.isoformat() if doc.due_date else None)
        _text(pay, "PaymentID", doc.payment.remittance_reference)
        if doc.payment.iban:
            account = _sub(pay, "PayeeFinancialAccount")
            _text(account, "ID", doc.payment.iban)
            _text(account, "Name", doc.payment.account_name)
            if doc.payment.bic:
                _text(_sub(account, "FinancialInstitutionBranch"), "ID", doc.payment.bic)
    if doc.payment_terms:
        _text(_sub(root, "PaymentTerms"), "Note", doc.payment_terms)
    for extra in doc.allowances_charges:
        ac = _sub(root, "AllowanceCharge")
        _text(ac, "ChargeIndicator", "true" if extra.is_charge else "false")
        _text(ac, "AllowanceChargeReason", extra.reason)
        _amount(ac, "Amount", extra.amount, cur)
        _category(ac, "TaxCategory", extra.category, extra.rate)
    total = _sub(root, "TaxTotal")
    _amount(total, "TaxAmount", doc.tax_total, cur)
    for group in doc.vat:
        sub = _sub(total, "TaxSubtotal")
        _amount(sub, "TaxableAmount", group.taxable, cur)
        _amount(sub, "TaxAmount", group.tax, cur)
        cat = _sub(sub, "TaxCategory")
        _text(cat, "ID", group.category)
        if group.rate is not None:
            _text(cat, "Percent", number(group.rate))
        _text(cat, "TaxExemptionReasonCode", group.exemption_code)
        _text(cat, "TaxExemptionReason", group.exemption_reason)
        _text(_sub(cat, "TaxScheme"), "ID", "VAT")
    sums = _sub(root, "LegalMonetaryTotal")
    _amount(sums, "LineExtensionAmount", doc.line_total, cur)
    _amount(sums, "TaxExclusiveAmount", doc.tax_exclusive, cur)
    _amount(sums, "TaxInclusiveAmount", doc.tax_inclusive, cur)
    if doc.allowance_total:
        _amount(sums, "AllowanceTotalAmount", doc.allowance_total, cur)
    if doc.charge_total:
        _amount(sums, "ChargeTotalAmount", doc.charge_total, cur)
    _amount(sums, "PayableAmount", doc.payable, cur)
    for line in doc.lines:
        el = _sub(root, "CreditNoteLine" if credit else "InvoiceLine")
        _text(el, "ID", line.id)
        _text(
            el,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            number(line.quantity),
            unitCode=line.unit,
        )
        _amount(el, "LineExtensionAmount", line.net_amount, cur)
        if line.order_line and doc.order_reference:
            _text(_sub(el, "OrderLineReference"), "LineID", line.order_line)
        item = _sub(el, "Item")
        _text(item, "Name", line.name)
        if line.seller_item_id:
            _text(_sub(item, "SellersItemIdentification"), "ID", line.seller_item_id)
        _category(item, "ClassifiedTaxCategory", line.category, line.rate)
        price = _sub(el, "Price")
        el_price = etree.SubElement(price, f"{{{CBC}}}PriceAmount", currencyID=cur)
        el_price.text = number(line.price) if line.price else "0"
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
