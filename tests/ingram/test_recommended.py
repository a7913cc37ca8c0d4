"""Seed 004's five "Recommended Tests", against the demo data, on both databases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from invoiceport.invoices.schemas import CanonicalInvoice
from tests.ingram.conftest import get_invoice
from tests.ingram.contract import violations

pytestmark = pytest.mark.usefixtures("demo")

SCENARIOS = {
    "open order": ("invoice", "open"),
    "invoiced order": ("invoice", "invoiced"),
    "open credit memo": ("credit_memo", "open"),
    "invoiced credit memo": ("credit_memo", "invoiced"),
}
GRANTED = {"100234", "100587", "20-123456", "40-778899", "PL-5521"}


def pick(docs: list[CanonicalInvoice], document_type: str, status: str) -> CanonicalInvoice:
    """The first production demo invoice of a granted customer in this scenario."""
    for doc in docs:
        if (
            doc.environment == "production"
            and doc.customer_number in GRANTED
            and (doc.document_type, doc.status) == (document_type, status)
        ):
            return doc
    raise AssertionError(f"the demo data has no {document_type} {status}")


def detail_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert violations(body) == []
    assert body["serviceresponse"]["responsepreamble"] == {
        "responsestatus": "SUCCESS",
        "statuscode": "200",
        "responsemessage": "Invoice Found",
    }
    detail: dict[str, Any] = body["serviceresponse"]["invoicedetailresponse"]
    return detail


def assert_common(detail: dict[str, Any], doc: CanonicalInvoice) -> None:
    assert detail["invoicenumber"] == doc.invoice_number
    assert detail["customernumber"] == doc.customer_number
    assert detail["customerordernumber"] == (doc.po_number or "")
    assert Decimal(detail["totalamount"]) == doc.total
    assert Decimal(detail["totaltaxamount"]) == (doc.tax or 0)
    assert Decimal(detail["totalsales"]) == doc.total - (doc.tax or 0)
    assert detail["currencycode"] == doc.currency
    assert detail["globalorderid"] == doc.sales_order_number
    assert [line["linenumber"] for line in detail["lines"]] == [
        str(line.line_number) for line in doc.lines
    ]
    for line, source in zip(detail["lines"], doc.lines, strict=True):
        assert line["partnumber"] == source.item_number
        assert Decimal(line["extendedprice"]) == source.extended_price
        assert Decimal(line["unitprice"]) == source.unit_price
        serials = [s["serialnumber"] for s in line.get("serialnumberdetails", [])]
        assert serials == source.serial_numbers


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_recommended_scenario(
    client: httpx.AsyncClient,
    auth: dict[str, str],
    demo_docs: list[CanonicalInvoice],
    scenario: str,
) -> None:
    doc = pick(demo_docs, *SCENARIOS[scenario])
    response = await get_invoice(client, auth, doc.invoice_number, doc.customer_number, "US")
    detail = detail_of(response)
    assert_common(detail, doc)
    credit = doc.document_type == "credit_memo"
    assert detail["invoicetype"] == ("CREDIT MEMO" if credit else "INVOICE")
    assert detail["creditmemoreasoncode"] == (doc.credit_memo_reason or "")
    if credit:
        assert detail["creditmemoreasoncode"]  # every demo credit memo has a reason code
    if doc.status == "open":
        assert "invoicedate" not in detail  # occurrence 0,1: only invoiced orders have one
        assert detail["orderstatus"] == ""  # the seed's "blank": in progress / open order
        assert detail["holdreason"] == (doc.hold_reason or "")
        assert "shipdate" not in detail
    else:
        assert detail["invoicedate"] == doc.invoice_date.isoformat()  # type: ignore[union-attr]
        assert detail["orderstatus"] == doc.order_status == "B"
        assert detail["shipdate"] == doc.ship_date.isoformat()  # type: ignore[union-attr]


async def test_invalid_invoice_number(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    response = await get_invoice(client, auth, "NO-SUCH-1")
    # Ingram answers 200 and says so in the preamble: the one response its schema documents.
    assert response.status_code == 200
    assert response.json() == {
        "serviceresponse": {
            "responsepreamble": {
                "responsestatus": "FAILED",
                "statuscode": "EO",
                "responsemessage": "Invalid Invoice Number",
            }
        }
    }
    assert violations(response.json()) == []


async def test_the_seed_sample_invoice(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    """The seed's sample request, answered with the seed's sample values (typos fixed)."""
    response = await client.get(
        "/resellers/v5/invoices/20-12345-11?isoCountryCode=UK&customerNumber=20-123456",
        headers=auth,
    )
    detail = detail_of(response)
    expected = {
        "invoicenumber": "20-12345-11",
        "customerordernumber": "PON123456",
        "customerfreightamount": "0.00",
        "customerforeignfrightamt": "0.00",
        "totaltaxamount": "900.00",
        "totalamount": "5400.00",
        "billtosuffix": "000",
        "paymentterms": "300",
        "carrier": "FN",
        "carrierdescription": "NEXT DAY PARCELFORCE",
        "companycurrency": "GBP",
        "currencycode": "GBP",
        "currencyrate": "1.000000",
        "orderstatus": "B",
        "totalsales": "4500.00",
        "weight": "13.00",
        "holdreason": "",
        "enduserponumber": "",
    }
    assert {k: detail[k] for k in expected} == expected
    assert detail["discountamount"] == 0
    assert detail["billto"] == {
        "name1": "VIHU LTD",
        "addressline1": "INNOVATION HOUSE",
        "addressline2": "96 HIGH ST",
        "addressline3": "BARNHAM",
        "city": "THORRINGTON",
        "postalcode": "CO7 4GY",
        "countrycode": "GB",
    }
    assert detail["shiptoaddress"]["attention"] == "JAMES EDWARDS"
    (line,) = detail["lines"]
    assert line | {"serialnumberdetails": None, "trackingnumberdetails": None} == {
        "linenumber": "1",
        "globallinenumber": "0",
        "partnumber": "5234585",
        "vendorpartnumber": "MJJY-87654",
        "partdescription": "MYTECH 665B DIGITAL CAMERA 110MP",
        "shipfrombranch": "20",
        "shippedquantity": "6.00",
        "orderedquantity": "6.00",
        "backorderquantity": "0.00",
        "extendedprice": "4500.00",
        "specialbidnumber": "",
        "ordersuffix": "11",
        "unitprice": "750.00",
        "unitofmeasure": "EA",
        "serialnumberdetails": None,
        "trackingnumberdetails": None,
    }
    assert [s["serialnumber"] for s in line["serialnumberdetails"]][:2] == [
        "0016083588",
        "0268852524",
    ]
    assert len(line["serialnumberdetails"]) == 6
    assert line["trackingnumberdetails"][0] == {"trackingnumber": "PBVS0043876860"}
    assert len(line["trackingnumberdetails"]) == 6
