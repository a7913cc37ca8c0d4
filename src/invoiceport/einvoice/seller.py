"""The supplier's settings as the seller defaults of every export (INVOICEPORT_SELLER_*)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from invoiceport.einvoice.model import Supplier
from invoiceport.invoices.en16931 import (
    Contact,
    ElectronicAddress,
    PaymentMeans,
    PostalAddress,
    Seller,
)

if TYPE_CHECKING:
    from invoiceport.settings import Settings


def supplier_from_settings(settings: Settings) -> Supplier:
    """Seller identity, address, contact and payment means from the settings; what is unset
    stays unset (and an export that needs it is refused, naming the setting)."""
    address = None
    if settings.seller_country:
        address = PostalAddress(
            street=settings.seller_street or None,
            city=settings.seller_city or None,
            postal_code=settings.seller_postal_code or None,
            country=settings.seller_country,
        )
    endpoint = None
    if settings.seller_electronic_address and settings.seller_electronic_address_scheme:
        endpoint = ElectronicAddress(
            id=settings.seller_electronic_address, scheme=settings.seller_electronic_address_scheme
        )
    contact = None
    if (
        settings.seller_contact_name
        or settings.seller_contact_phone
        or settings.seller_contact_email
    ):
        contact = Contact(
            name=settings.seller_contact_name or None,
            phone=settings.seller_contact_phone or None,
            email=settings.seller_contact_email or None,
        )
    payment = None
    if settings.seller_iban:
        payment = PaymentMeans(
            code=settings.seller_payment_means_code,
            iban=settings.seller_iban,
            bic=settings.seller_bic or None,
            account_name=settings.seller_name,
        )
    seller = Seller(
        legal_name=settings.seller_name,
        vat_id=settings.seller_tax_id or None,
        company_id=settings.seller_company_id or None,
        electronic_address=endpoint,
        address=address,
        contact=contact,
    )
    return Supplier(seller=seller, name=settings.seller_name, payment=payment)
