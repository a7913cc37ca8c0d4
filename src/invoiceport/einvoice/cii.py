"""UN/CEFACT Cross Industry Invoice D16B in the EN 16931 profile (also the XML of Factur-X /
ZUGFeRD EN 16931). Element order follows the Factur-X 1.0 EN16931 schema (a D16B subset)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from lxml import etree

from invoiceport.einvoice.model import Document, Party, money, number
from invoiceport.invoices.en16931 import PostalAddress

RSM: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
GUIDELINE: Final = "urn:cen.eu:en16931:2017"
NSMAP: Final = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{RAM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _opt(parent: etree._Element, tag: str, text: str | None, **attrs: str) -> None:
    if text:
        _el(parent, tag, text, **attrs)


def _date(parent: etree._Element, tag: str, value: date) -> None:
    holder = _el(parent, tag)
    el = etree.SubElement(holder, f"{{{UDT}}}DateTimeString", format="102")
    el.text = value.strftime("%Y%m%d")


def _address(parent: etree._Element, address: PostalAddress) -> None:
    el = _el(parent, "PostalTradeAddress")
    _opt(el, "PostcodeCode", address.postal_code)
    _opt(el, "LineOne", address.street)
    _opt(el, "LineTwo", address.additional_street)
    _opt(el, "CityName", address.city)
    _el(el, "CountryID", address.country)
    _opt(el, "CountrySubDivisionName", address.subdivision)


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    el = _el(parent, tag)
    _opt(el, "Name", party.name)
    if party.company_id:
        _el(_el(el, "SpecifiedLegalOrganization"), "ID", party.company_id)
    contact = party.contact
    if contact is not None and (contact.name or contact.phone or contact.email):
        c = _el(el, "DefinedTradeContact")
        _opt(c, "PersonName", contact.name)
        if contact.phone:
            _el(_el(c, "TelephoneUniversalCommunication"), "CompleteNumber", contact.phone)
        if contact.email:
            _el(_el(c, "EmailURIUniversalCommunication"), "URIID", contact.email)
    if party.address is not None:
        _address(el, party.address)
    if party.endpoint is not None:
        comm = _el(el, "URIUniversalCommunication")
        _el(comm, "URIID", party.endpoint.id, schemeID=party.endpoint.scheme)
    if party.vat_id:
        _el(_el(el, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")


def _tax(parent: etree._Element, category: str | None, rate: Decimal | None) -> None:
    el = _el(parent, "ApplicableTradeTax")
    _el(el, "TypeCode", "VAT")
    _opt(el, "CategoryCode", category)
    if rate is not None:
        _el(el, "RateApplicablePercent", number(rate))


def build_cii(doc: Document) -> bytes:
    """The document as CII bytes (UTF-8, with an XML declaration)."""
    cur = doc.currency
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    _el(_el(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)
    head = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _el(head, "ID", doc.number)
    _el(head, "TypeCode", "381" if doc.credit_note else "380")
    if doc.issue_date is not None:
        _date(head, "IssueDateTime", doc.issue_date)
    for note in doc.notes:
        _el(_el(head, "IncludedNote"), "Content", note)
    trade = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in doc.lines:
        item = _el(trade, "IncludedSupplyChainTradeLineItem")
        _el(_el(item, "AssociatedDocumentLineDocument"), "LineID", line.id)
        product = _el(item, "SpecifiedTradeProduct")
        _opt(product, "SellerAssignedID", line.seller_item_id)
        _el(product, "Name", line.name)
        agreement = _el(item, "SpecifiedLineTradeAgreement")
        if line.order_line and doc.order_reference:
            _el(_el(agreement, "BuyerOrderReferencedDocument"), "LineID", line.order_line)
        price = _el(agreement, "NetPriceProductTradePrice")
        _el(price, "ChargeAmount", number(line.price) if line.price else "0")
        _el(
            _el(item, "SpecifiedLineTradeDelivery"),
            "BilledQuantity",
            number(line.quantity),
            unitCode=line.unit,
        )
        settlement = _el(item, "SpecifiedLineTradeSettlement")
        _tax(settlement, line.category, line.rate)
        summary = _el(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _el(summary, "LineTotalAmount", money(line.net_amount))
    agreement = _el(trade, "ApplicableHeaderTradeAgreement")
    _opt(agreement, "BuyerReference", doc.buyer_reference)
    _party(agreement, "SellerTradeParty", doc.seller)
    _party(agreement, "BuyerTradeParty", doc.buyer)
    if doc.order_reference:
        _el(_el(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", doc.order_reference)
    delivery = _el(trade, "ApplicableHeaderTradeDelivery")
    if doc.ship_to is not None:
        ship = _el(delivery, "ShipToTradeParty")
        _opt(ship, "Name", doc.ship_to_name)
        _address(ship, doc.ship_to)
    if doc.delivery_date is not None:
        _date(
            _el(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", doc.delivery_date
        )
    settle = _el(trade, "ApplicableHeaderTradeSettlement")
    if doc.payment is not None:
        _opt(settle, "PaymentReference", doc.payment.remittance_reference)
    _el(settle, "InvoiceCurrencyCode", cur)
    if doc.payment is not None:
        means = _el(settle, "SpecifiedTradeSettlementPaymentMeans")
        _el(means, "TypeCode", doc.payment.code)
        if doc.payment.iban:
            account = _el(means, "PayeePartyCreditorFinancialAccount")
            _el(account, "IBANID", doc.payment.iban)
            _opt(account, "AccountName", doc.payment.account_name)
            if doc.payment.bic:
                _el(
                    _el(means, "PayeeSpecifiedCreditorFinancialInstitution"),
                    "BICID",
                    doc.payment.bic,
                )
    for group in doc.vat:
        tax = _el(settle, "ApplicableTradeTax")
        _el(tax, "CalculatedAmount", money(group.tax))
        _el(tax, "TypeCode", "VAT")
        _opt(tax, "ExemptionReason", group.exemption_reason)
        _el(tax, "BasisAmount", money(group.taxable))
        _el(tax, "CategoryCode", group.category)
        _opt(tax, "ExemptionReasonCode", group.exemption_code)
        if doc.tax_point_date is not None:
            holder = _el(tax, "TaxPointDate")
            el = etree.SubElement(holder, f"{{{UDT}}}DateString", format="102")
            el.text = doc.tax_point_date.strftime("%Y%m%d")
        if group.rate is not None:
            _el(tax, "RateApplicablePercent", number(group.rate))
    for extra in doc.allowances_charges:
        ac = _el(settle, "SpecifiedTradeAllowanceCharge")
        indicator = _el(ac, "ChargeIndicator")
        etree.SubElement(indicator, f"{{{UDT}}}Indicator").text = (
            "true" if extra.is_charge else "false"
        )
        _el(ac, "ActualAmount", money(extra.amount))
        _el(ac, "Reason", extra.reason)
        category = _el(ac, "CategoryTradeTax")
        _el(category, "TypeCode", "VAT")
        _opt(category, "CategoryCode", extra.category)
        if extra.rate is not None:
            _el(category, "RateApplicablePercent", number(extra.rate))
    if doc.payment_terms or doc.due_date:
        terms = _el(settle, "SpecifiedTradePaymentTerms")
        _opt(terms, "Description", doc.payment_terms)
        if doc.due_date is not None:
            _date(terms, "DueDateDateTime", doc.due_date)
    sums = _el(settle, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(sums, "LineTotalAmount", money(doc.line_total))
    if doc.charge_total:
        _el(sums, "ChargeTotalAmount", money(doc.charge_total))
    if doc.allowance_total:
        _el(sums, "AllowanceTotalAmount", money(doc.allowance_total))
    _el(sums, "TaxBasisTotalAmount", money(doc.tax_exclusive))
    _el(sums, "TaxTotalAmount", money(doc.tax_total), currencyID=cur)
    _el(sums, "GrandTotalAmount", money(doc.tax_inclusive))
    _el(sums, "DuePayableAmount", money(doc.payable))
    if doc.preceding_invoice:
        _el(_el(settle, "InvoiceReferencedDocument"), "IssuerAssignedID", doc.preceding_invoice)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
