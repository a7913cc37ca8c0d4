"""An invoice shaped like the example response of Ingram's published schema, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from invoiceport.invoices.schemas import CanonicalInvoice
from tests.ingram.conftest import get_invoice
from tests.ingram.contract import example_response, violations
from tests.oauth.support import app_client, bearer, make_settings, new_client, token_for

# Decimal fields: compared by value, and ours must carry at least two decimals (six for the rate).
AMOUNTS = {
    "customerfreightamount",
    "customerforeignfrightamt",
    "totaltaxamount",
    "totalamount",
    "discountamount",
    "totalsales",
    "weight",
    "shippedquantity",
    "orderedquantity",
    "backorderquantity",
    "extendedprice",
    "unitprice",
}


def line(number: int, shipped: str, ordered: str, backordered: str, price: str) -> dict[str, Any]:
    return {
        "line_number": number,
        "item_number": "123511",
        "manufacturer_part_number": "F2A032-06",
        "description": "666 PARALLEL PRINTER DB25M TO  CABLCENT36M PRO SERIES 28AWG ROHS",
        "ship_from_branch": "10",
        "quantity": shipped,
        "quantity_shipped": shipped,
        "quantity_ordered": ordered,
        "quantity_backordered": backordered,
        "unit_price": "30.61",
        "extended_price": price,
        "order_suffix": "11",
        "unit_of_measure": "EA",
        "extended_specs": [
            {"name": "commenttext", "value": "EU#-001599983  ASPECT AUTOMATION LLMC#C"}
        ],
    }


def example_invoice() -> dict[str, Any]:
    """The canonical invoice behind the reference example (customer 20-222222, its default)."""
    lines = [line(1, "1", "1", "0", "30.61"), line(2, "1", "1", "0", "30.61")]
    lines.append(line(3, "0", "1", "1", "0.00"))
    del lines[2]["extended_specs"]
    lines.append(
        {
            "line_number": 895,
            "description": "FREE FREIGHT",
            "ship_from_branch": "10",
            "quantity": "0",
            "quantity_shipped": "0",
            "quantity_ordered": "0",
            "quantity_backordered": "0",
            "unit_price": "0",
            "extended_price": "0.00",
            "order_suffix": "11",
        }
    )
    return {
        "invoice_number": "RCW67-11",
        "customer_number": "20-222222",
        "currency": "USD",
        "company_currency": "USD",
        "currency_rate": "1.000000",
        "po_number": "ZFEDRGT",
        "freight": "0.00",
        "foreign_freight": "0.00",
        "tax": "0",
        "total": "61.22",
        "discount": "0.00",
        "ship_to_suffix": "200",
        "bill_to_suffix": "000",
        "bill_to": {
            "name": "INGRAM MICRO CAPS TEST ACCOUNT",
            "address1": "1759 WEHRLE DR",
            "city": "WILLIAMSVILLE",
            "state": "NY",
            "postal_code": "142217033",
            "country": "US",
        },
        "payment_terms": "200",
        "order_date": "2020-01-06T00:00:00Z",
        "shipping_option": {"code": "OT", "description": "OTHER"},
        "ship_date": "2020-01-06",
        "sales_order_number": "20-RCW67-11",
        "order_status": "I",
        "ship_to": {
            "name": "INGRAM MICRO TEST ACCOUNT",
            "address1": "ATTN TOD DEBIE",
            "address2": "1610 E SAINT ANDREW PL",
            "city": "SANTA ANA",
            "state": "CA",
            "postal_code": "927054931",
            "country": "US",
        },
        "weight": "5.00",
        "lines": lines,
    }


def compare(ours: Any, theirs: Any, path: str, key: str = "") -> list[str]:
    """Differences between our answer and the example, by the rules of docs/ingram.md."""
    if theirs is None:  # their null: our "" (mandatory text) or nothing at all
        return [] if ours in ("", None) else [f"{path}: expected blank, got {ours!r}"]
    if key in AMOUNTS or key == "currencyrate":
        places = 6 if key == "currencyrate" else 2
        text = str(ours)
        if isinstance(ours, float | int):  # a JSON number: its digits are checked on the bytes
            places = 0
        if Decimal(text) != Decimal(str(theirs)) or len(text.partition(".")[2]) < places:
            return [f"{path}: expected {theirs} with {places} decimals, got {ours!r}"]
        return []
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: expected an object, got {ours!r}"]
        found = []
        for name, value in theirs.items():
            if name not in ours and value is not None:
                found.append(f"{path}.{name}: missing")
            else:
                found += compare(ours.get(name), value, f"{path}.{name}", name)
        return found
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            return [f"{path}: expected {len(theirs)} items, got {ours!r}"]
        pairs = enumerate(zip(ours, theirs, strict=True))
        return [d for i, (a, b) in pairs for d in compare(a, b, f"{path}[{i}]")]
    return [] if ours == theirs else [f"{path}: expected {theirs!r}, got {ours!r}"]


def test_the_comparison_can_fail() -> None:
    theirs = {"a": "1.00", "b": None, "c": [{"d": "x"}], "totalamount": "5.00"}
    same = {"a": "1.00", "b": "", "c": [{"d": "x"}], "totalamount": "5.00"}
    assert compare(same, theirs, "$") == []
    assert compare(same | {"c": [{"d": "y"}]}, theirs, "$") == ["$.c[0].d: expected 'x', got 'y'"]
    assert compare({k: v for k, v in same.items() if k != "a"}, theirs, "$") == ["$.a: missing"]
    assert compare(theirs | {"b": "", "totalamount": "5.0"}, theirs, "$") == [
        "$.totalamount: expected 5.00 with 2 decimals, got '5.0'"
    ]
    assert compare(theirs | {"b": "y"}, theirs, "$") == ["$.b: expected blank, got 'y'"]


def test_the_schema_check_can_fail() -> None:
    """The published example itself breaks the published schema (nulls, a string number)."""
    assert "$.serviceresponse.invoicedetailresponse.discountamount: expected number, got str" in (
        violations(example_response())
    )


@pytest.fixture
async def example_app(database_url: str) -> Any:
    async with app_client(make_settings(database_url)) as (app, http):
        doc = example_invoice()
        CanonicalInvoice.model_validate(doc)
        stored = await http.post("/admin/v1/invoices", json=doc)
        assert stored.status_code == 200, stored.text
        yield app, http


async def test_the_reference_example_field_by_field(example_app: tuple[FastAPI, Any]) -> None:
    app, http = example_app
    # The example dates from January 2020: look at it from within the nine-month window.
    app.state.context.clock = lambda: datetime(2020, 2, 1, 12, tzinfo=UTC)
    client = await new_client(http, ["20-222222"])
    headers = bearer(await token_for(http, client))
    response: httpx.Response = await get_invoice(http, headers, "RCW67-11", "20-222222", "US")
    assert response.status_code == 200
    ours = response.json()
    assert violations(ours) == []
    assert compare(ours, example_response(), "$") == []
    detail = ours["serviceresponse"]["invoicedetailresponse"]
    assert isinstance(detail["discountamount"], int | float)  # a JSON number, as the schema says
    assert detail["discountamount"] == 0
    assert b'"discountamount":0.00,' in response.content  # the exact decimal, as a number
    assert (
        "partnumber"
        not in example_response()["serviceresponse"]["invoicedetailresponse"]["lines"][3]
    )
    assert detail["lines"][3]["partnumber"] == ""  # the seed: mandatory (1,1), so blank
