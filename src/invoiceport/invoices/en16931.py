"""The optional EN 16931 parts of the canonical invoice (docs/canonical-invoice.md, "EN 16931").

All optional: a US-style invoice without any of them is stored and served as before. They are what
an e-invoice export (`invoiceport.einvoice`) needs beyond the rest of the document: who sells (by
default the supplier's settings), the buyer's identifiers, VAT categories and rates of lines and
document-level charges, exemption reasons and how to pay.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# UNCL 5305 VAT category codes EN 16931 allows (BT-118, BT-151, BT-95, BT-102).
VAT_CATEGORIES = {
    "S": "standard rate",
    "Z": "zero rated goods",
    "E": "exempt from tax",
    "AE": "VAT reverse charge",
    "K": "intra-community supply (VAT exempt for EEA)",
    "G": "free export item, tax not charged",
    "O": "services outside scope of tax",
    "L": "Canary Islands general indirect tax",
    "M": "tax for production, services and importation in Ceuta and Melilla",
}
# UNCL 4461 payment means codes commonly used with EN 16931 (BT-81); the rule sets check the code.
PAYMENT_MEANS_HINT = "30 credit transfer, 58 SEPA credit transfer, 59 SEPA direct debit, 48 card"


def _vat_category(value: str) -> str:
    if value not in VAT_CATEGORIES:
        raise ValueError(
            f"unknown UNCL 5305 VAT category {value!r} (one of {sorted(VAT_CATEGORIES)})"
        )
    return value


_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
Id = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=_NO_CONTROL)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=_NO_CONTROL)]
Code = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,10}$")]
VatCategory = Annotated[str, AfterValidator(_vat_category)]
# A percentage: 19, 7.5, 0; at most two decimals as EN 16931 writes it (BR-DEC rules).
VatRate = Annotated[Decimal, Field(allow_inf_nan=False, ge=0, le=100, decimal_places=2)]
UnitCode = Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{2,3}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PostalAddress(_Strict):
    street: Name | None = None
    additional_street: Name | None = None
    city: Name | None = None
    postal_code: Annotated[str, StringConstraints(max_length=32, pattern=_NO_CONTROL)] | None = None
    subdivision: Name | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class Contact(_Strict):
    name: Name | None = None
    phone: Annotated[str, StringConstraints(max_length=64, pattern=_NO_CONTROL)] | None = None
    email: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] | None
    ) = None


class ElectronicAddress(_Strict):
    """BT-34 / BT-49: an identifier with its scheme (EAS code list: 0088 GLN, 9930 DE VAT,
    9957 FR VAT, 0106 NL KvK, 0204 Leitweg-ID, EM e-mail...)."""

    id: Id
    scheme: Code


class Seller(_Strict):
    """BG-4. Any part left out is taken from the supplier's settings (INVOICEPORT_SELLER_*)."""

    legal_name: Name | None = None
    vat_id: Id | None = None
    company_id: Id | None = None
    electronic_address: ElectronicAddress | None = None
    address: PostalAddress | None = None
    contact: Contact | None = None


class Buyer(_Strict):
    """The buyer's identifiers (BG-7); name and address come from `bill_to`."""

    vat_id: Id | None = None
    company_id: Id | None = None
    electronic_address: ElectronicAddress | None = None
    contact: Contact | None = None


class PaymentMeans(_Strict):
    """BG-16: how the buyer pays."""

    code: Code
    iban: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[0-9]{2}[0-9A-Z]{10,30}$")] | None = (
        None
    )
    bic: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")] | None = None
    account_name: Name | None = None
    remittance_reference: Id | None = None


class ChargeVat(_Strict):
    """The VAT category and rate of a document-level charge or allowance (BT-102/103, BT-95/96)."""

    category: VatCategory
    rate: VatRate | None = None


class VatExemption(_Strict):
    """BT-120 / BT-121 for one VAT category of the breakdown (E, AE, K, G, O need one)."""

    category: VatCategory
    reason: Annotated[str, StringConstraints(max_length=1000, pattern=_NO_CONTROL)] | None = None
    reason_code: Annotated[str, StringConstraints(pattern=r"^VATEX-[A-Z0-9-]{2,20}$")] | None = None


__all__ = [
    "VAT_CATEGORIES",
    "Buyer",
    "ChargeVat",
    "Contact",
    "ElectronicAddress",
    "PaymentMeans",
    "PostalAddress",
    "Seller",
    "UnitCode",
    "VatCategory",
    "VatExemption",
    "VatRate",
]
