"""`Accept` negotiation, and the classic XML of seeds 002 and 003."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from tests.scansource.conftest import A_CUSTOMER, World

from invoiceport.dialects.scansource.media import choose
from invoiceport.dialects.scansource.xml import _text as xml_text

SEEDS = Path(__file__).parent.parent.parent.parent / "shared" / "seeds"
DETAIL = f"/api/invoice/detail/{A_CUSTOMER}/BIG-1"
SUMMARY = f"/api/invoice/summary/{A_CUSTOMER}"
LIST = f"/api/invoice/list/{A_CUSTOMER}"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# The classic element orders, as seeds 002 and 003 show them.
CLASSIC_INVOICE = [
    "InvoiceNumber", "SalesOrderNumber", "BillingAddress", "ShippingAddress", "PONumber",
    "EndUserPO", "ReferenceNumber", "ShipDate", "Cancelled", "DocType", "SalesRepCode",
    "SalesRepName", "SalesRepEmail", "FreightAmount", "TaxAmount", "InsuranceAmount", "Total",
    "Currency", "EnteredByEmail", "ShippingOption", "ShippingOptionDescription", "InvoiceLines",
    "TrackingNumbers",
]  # fmt: skip
CLASSIC_LINE = [
    "Id", "LineNumber", "POLineNumber", "ReferenceLineNumber", "ItemNumber", "ProductMfrPart",
    "ItemDescription", "ItemCatCode", "Ordered", "Committed", "BackOrdered", "Shipped", "Price",
    "Currency", "DeliveryNumber", "DeliveryLineNumber", "SerialNumbers",
]  # fmt: skip
CLASSIC_ADDRESS = [
    "Name", "Attn", "Street1", "Street2", "City", "State", "PostalCode", "Country",
]  # fmt: skip
CLASSIC_SUMMARY = [
    "OrderNumber", "InvoiceNumber", "PONumber", "DocType", "Total", "ShippingOption",
    "ShippingOptionDescription", "DateEntered", "LastChanged",
]  # fmt: skip


ADDED_INVOICE = [
    "CustomerNumber", "InvoiceDate", "DueDate", "Subtotal", "Status", "DateEntered", "LastChanged",
]  # fmt: skip


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def in_order(names: list[str], order: list[str]) -> bool:
    """Only names of `order`, each once, in its order (absent values have no element)."""
    return names == [name for name in order if name in names]


def test_the_classic_names_here_are_the_seeds_names() -> None:
    """Guard against typos: every classic name used above appears in seed 002 or 003."""
    if not SEEDS.is_dir():
        pytest.skip("the seeds are not beside this clone")
    text = (SEEDS / "002_4b252ca6c6dbd23c.txt").read_text()
    text += (SEEDS / "003_16fb19e9fd29ca4f.txt").read_text()
    for name in CLASSIC_INVOICE + CLASSIC_LINE + CLASSIC_ADDRESS + CLASSIC_SUMMARY:
        assert f"<{name}>" in text or f"<{name} " in text, name


@pytest.mark.parametrize("accept", ["application/xml", "text/xml", "text/xml;q=0.9, */*;q=0.1"])
async def test_detail_as_classic_xml(world: World, accept: str) -> None:
    response = await world.get(DETAIL, headers={**world.a(), "Accept": accept})
    assert response.status_code == 200
    media_type = "text/xml" if accept.startswith("text/xml") else "application/xml"
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<Invoice ")
    assert f'xmlns:xsd="{XSD}"'.encode() in response.content
    assert f'xmlns:xsi="{XSI}"'.encode() in response.content
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "Invoice"
    names = tags(root)
    assert names[: len(CLASSIC_INVOICE)] == CLASSIC_INVOICE
    assert names[len(CLASSIC_INVOICE) :] == ADDED_INVOICE
    billing = root.find("BillingAddress")
    assert billing is not None and tags(billing) == CLASSIC_ADDRESS
    assert billing.findtext("Name") == "Acme & Sons <West>"
    assert root.findtext("ShipDate") == "2026-01-14T00:00:00"
    assert root.findtext("Cancelled") == "2026-01-20T09:30:00Z"
    assert root.findtext("Total") == "1234567.89"
    assert root.findtext("DocType") == "Invoice"
    assert [s.text for s in root.iterfind("TrackingNumbers/string")] == ["1Z001", "1Z002"]
    first, second = root.iterfind("InvoiceLines/InvoiceLine")
    assert tags(first) == [*CLASSIC_LINE, "Quantity", "ExtendedPrice", "TrackingNumbers"]
    assert first.findtext("Price") == "411522.1300"
    assert first.findtext("Ordered") == "4" and first.findtext("BackOrdered") == "1"
    assert [s.text for s in first.iterfind("SerialNumbers/string")] == ["SN1", "SN2", "SN3"]
    assert second.findtext("Id") == "2" and second.findtext("Quantity") == "2.5"


async def test_xml_without_serial_tracking(world: World) -> None:
    headers = {**world.a(), "Accept": "application/xml"}
    response = await world.get(DETAIL + "?excludeSerialTracking=true", headers=headers)
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.find("TrackingNumbers") is None
    assert root.find("InvoiceLines/InvoiceLine/SerialNumbers") is None


async def test_summary_as_array_of_invoice_summary(world: World) -> None:
    headers = {**world.a(), "Accept": "application/xml"}
    response = await world.get(SUMMARY + "?pageSize=2&page=2", headers=headers)
    assert response.status_code == 200
    assert (response.headers["x-total-count"], response.headers["x-page"]) == ("7", "2")
    assert response.headers["x-page-size"] == "2"
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "ArrayOfInvoiceSummary"
    items = list(root)
    assert [item.tag for item in items] == ["InvoiceSummary", "InvoiceSummary"]
    cm = items[0]
    assert tags(cm) == [
        t
        for t in [*CLASSIC_SUMMARY, "InvoiceDate", "Currency", "Status"]
        if t not in ("ShippingOption", "ShippingOptionDescription")
    ]
    assert cm.findtext("InvoiceNumber") == "CM-1"
    assert cm.findtext("DocType") == "Credit Memo"
    assert cm.findtext("Total") == "0.10"
    assert cm.findtext("OrderNumber") == "SO-77"
    big = ET.fromstring((await world.get(SUMMARY + "?poNumber=PO-BIG", headers=headers)).content)  # noqa: S314
    assert tags(big[0]) == [*CLASSIC_SUMMARY, "InvoiceDate", "Currency", "Status"]
    assert big[0].findtext("ShippingOptionDescription") == "UPS GROUND"
    assert big[0].findtext("InvoiceDate") == "2026-01-15T00:00:00"


async def test_list_as_array_of_invoice(world: World) -> None:
    response = await world.get(LIST + "?pageSize=3", headers={**world.a(), "Accept": "text/xml"})
    root = ET.fromstring(response.content)  # noqa: S314
    assert root.tag == "ArrayOfInvoice"
    assert [i.findtext("InvoiceNumber") for i in root] == ["INV-1003", "INV-1002", "CM-1"]
    assert all(in_order(tags(i), CLASSIC_INVOICE + ADDED_INVOICE) for i in root)
    assert "ShipDate" not in tags(root[0])  # no ship date: no element, as XmlSerializer does


@pytest.mark.parametrize(
    "path",
    [SUMMARY, LIST, DETAIL, f"/api/invoice/pdf/{A_CUSTOMER}/BIG-1"],
    ids=["summary", "list", "detail", "pdf"],
)
async def test_an_unservable_accept_is_406(world: World, path: str) -> None:
    for accept in ("image/png", "application/json;q=0, application/pdf;q=0, */*;q=0"):
        response = await world.get(path, headers={**world.a(), "Accept": accept})
        assert response.status_code == 406, accept
        body = response.json()
        assert body["statusCode"] == 406 and "available: application/" in body["message"]


async def test_pdf_route_refuses_json_and_json_routes_refuse_pdf(world: World) -> None:
    pdf = await world.get(
        f"/api/invoice/pdf/{A_CUSTOMER}/BIG-1", headers={**world.a(), "Accept": "application/json"}
    )
    assert pdf.status_code == 406
    detail = await world.get(DETAIL, headers={**world.a(), "Accept": "application/pdf"})
    assert detail.status_code == 406


async def test_json_variants(world: World) -> None:
    for accept, media_type in [
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("text/json", "text/json"),
        ("text/*", "text/json"),
        ("application/json;q=0.5, application/xml", "application/xml"),
        ("nonsense", "application/json"),
    ]:
        response = await world.get(DETAIL, headers={**world.a(), "Accept": accept})
        assert response.status_code == 200, accept
        assert response.headers["content-type"] == f"{media_type}; charset=utf-8", accept


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("application/xml", "application/xml"),
        ("APPLICATION/XML", "application/xml"),
        ("text/xml; charset=utf-8", "text/xml"),
        ("*/*;q=0.1, text/xml", "text/xml"),
        ("text/*;q=0.3, application/xml;q=0.2", "text/json"),
        ("text/xml;q=0.9, text/*;q=0", "text/xml"),
        ("application/json;q=0, */*", "text/json"),
        ("image/*", None),
        ("application/json;q=abc", "application/json"),  # bad weight: entry skipped, no ranges
        ("application/json;q=abc, image/png", None),
        ("text/xml;q=2", "application/json"),  # out of range: entry skipped
    ],
)
def test_choose(header: str | None, expected: str | None) -> None:
    offered = ("application/json", "text/json", "application/xml", "text/xml")
    assert choose(header, offered) == expected


def test_xml_text_replaces_what_xml_cannot_carry_and_never_uses_exponents() -> None:
    assert xml_text("a\ufffeb\x01c") == "a\ufffdb\ufffdc"
    assert xml_text(Decimal("1E+3")) == "1000"
    assert xml_text(Decimal("0.10")) == "0.10"
