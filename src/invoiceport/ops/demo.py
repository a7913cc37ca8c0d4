"""Deterministic, realistic demo data: the same seed and day always give the same invoices.

Covers every scenario DESIGN.md names: open order, invoiced order, open credit memo, invoiced
credit memo (Ingram's recommended tests), serial and tracking numbers, misc fees, several currencies
and countries, sandbox and production, plus the Ingram seed's sample invoice (`20-12345-11`).
Dates are relative to `today`, within the nine-month lookback of the Ingram seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo_cast import (
    ALL_CUSTOMERS,
    CARRIERS,
    CURRENCY_RATES,
    CUSTOMERS,
    FEES,
    PRODUCTS,
    SALES_REPS,
    DemoCustomer,
)

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _address(customer: DemoCustomer, site: str | None = None) -> dict[str, Any]:
    return {
        "name": customer.name,
        "attention": site,
        "address1": customer.street,
        "city": customer.city,
        "state": customer.state,
        "postal_code": customer.postal_code,
        "country": customer.country,
    }


class _Builder:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.today = today
        self.serial = 16083588

    def serials(self, count: int) -> list[str]:
        out = [f"{self.serial + i * 7919:010d}" for i in range(count)]
        self.serial += count * 7919 + 13
        return out

    def lines(self, customer: DemoCustomer, count: int, shipped: bool) -> list[dict[str, Any]]:
        rate = CURRENCY_RATES[customer.currency]
        lines = []
        for number, product in enumerate(self.rng.sample(PRODUCTS, count), start=1):
            item, mpn, description, usd_price, serialised = product
            places = Decimal(usd_price).as_tuple().exponent
            step = Decimal(1).scaleb(places if isinstance(places, int) else -2)
            unit_price = (Decimal(usd_price) * rate).quantize(step, rounding=ROUND_HALF_UP)
            quantity = self.rng.choice((1, 1, 2, 3, 4, 6, 10, 12, 24))
            ordered = quantity + (self.rng.choice((0, 0, 0, 2)) if not shipped else 0)
            line: dict[str, Any] = {
                "line_number": number,
                "item_number": item,
                "manufacturer_part_number": mpn,
                "description": description,
                "quantity": quantity,
                "unit_of_measure": "EA",
                "unit_price": unit_price,
                "extended_price": _money(unit_price * quantity),
                "quantity_ordered": ordered,
                "quantity_committed": quantity,
                "quantity_backordered": ordered - quantity,
                "quantity_shipped": quantity if shipped else 0,
                "ship_from_branch": self.rng.choice(("20", "44", "81")),
                "order_suffix": "11",
                "global_line_number": str(number - 1),
            }
            if ordered > quantity:
                line["backorder_eta"] = self.today + timedelta(days=self.rng.randint(3, 30))
            if serialised and shipped:
                line["serial_numbers"] = self.serials(min(quantity, 12))
            lines.append(line)
        return lines

    def invoice(self, index: int, customer: DemoCustomer, scenario: str) -> dict[str, Any]:
        rng = self.rng
        age = rng.randint(1, 260)
        order_day = self.today - timedelta(days=age + rng.randint(0, 6))
        invoiced = scenario in ("invoiced", "paid", "credit_invoiced")
        credit = scenario.startswith("credit")
        open_ = scenario in ("open", "credit_open")
        lines = self.lines(customer, rng.randint(1, 4), shipped=not open_)
        if credit:
            for line in lines:
                line.pop("serial_numbers", None)
        subtotal = sum((line["extended_price"] for line in lines), Decimal(0))
        fees: list[dict[str, Any]] = []
        if not credit and rng.random() < 0.35:
            code, description = rng.choice(FEES)
            fees.append(
                {
                    "code": code,
                    "description": description,
                    "amount": _money(Decimal(rng.randint(150, 2500)) / 100),
                }
            )
        freight = (
            _money(Decimal(rng.choice((0, 0, 1250, 2490, 4500))) / 100) if not credit else None
        )
        insurance = Decimal("3.50") if rng.random() < 0.1 and not credit else None
        discount = _money(subtotal * Decimal("0.02")) if rng.random() < 0.15 else None
        fee_total: Decimal = sum((f["amount"] for f in fees), Decimal(0))
        taxable = subtotal + fee_total + (freight or 0)
        tax = _money(taxable * customer.tax_rate)
        total = subtotal + tax + (freight or 0) + (insurance or 0) - (discount or 0) + fee_total
        order_number = f"{2002600000 + index * 37:010d}"
        carrier = rng.choice(CARRIERS)
        rep = rng.choice(SALES_REPS)
        prefix = "CM" if credit else "IN"
        invoice_date = self.today - timedelta(days=age) if invoiced else None
        tracking = [f"1Z{rng.randint(10**13, 10**14 - 1)}" for _ in range(rng.randint(1, 2))]
        doc: dict[str, Any] = {
            "invoice_number": f"{prefix}{order_number}-001",
            "customer_number": customer.number,
            "currency": customer.currency,
            "total": _money(total),
            "lines": lines,
            "document_type": "credit_memo" if credit else "invoice",
            "status": {
                "invoiced": "invoiced",
                "paid": "paid",
                "open": "open",
                "credit_open": "open",
                "credit_invoiced": "invoiced",
                "cancelled": "cancelled",
            }[scenario],
            "order_status": {"open": None, "credit_open": None, "cancelled": "V", "paid": "P"}.get(
                scenario, "B"
            ),
            "country_code": customer.country,
            "branch_number": rng.choice(("118", "204", "311")),
            "ship_to_account": {"number": f"{customer.number}-2", "name": f"{customer.name} DC"},
            "sales_order_number": order_number,
            "order_name": rng.choice(
                (
                    "Spring refresh",
                    "Store 14 rollout",
                    "Warehouse RF upgrade",
                    "Replacement units",
                    "Q3 stock order",
                )
            ),
            "po_number": f"PO{rng.randint(100000, 999999)}",
            "end_user_po_number": f"EU-{rng.randint(1000, 9999)}" if rng.random() < 0.4 else None,
            "reference_number": f"REF{index:06d}",
            "order_date": datetime.combine(order_day, time(rng.randint(7, 18), 0), tzinfo=UTC),
            "sales_type": rng.choice(("DELIVERY", "DELIVERY", "CPU")),
            "payment_terms": rng.choice(("NET 30", "NET 45", "NET 60")),
            "sales_rep": {"code": rep[0], "name": rep[1], "email": rep[2]},
            "entered_by_email": "orders@" + customer.name.split()[0].lower() + ".example",
            "bill_to_suffix": "000",
            "ship_to_suffix": "001",
            "invoice_date": invoice_date,
            "due_date": invoice_date + timedelta(days=30) if invoice_date else None,
            "bill_to": _address(customer, "Accounts Payable"),
            "ship_to": _address(customer, "Receiving dock 2"),
            "shipping_option": {"code": carrier[0], "description": carrier[1]},
            "company_currency": customer.currency,
            "currency_rate": Decimal("1.000000"),
            "subtotal": subtotal,
            "tax": tax,
            "freight": freight,
            "insurance": insurance,
            "discount": discount,
            "misc_fees": fees,
            "weight": Decimal(rng.randint(5, 400)) / 10,
        }
        if not open_:
            ship_day = order_day + timedelta(days=rng.randint(0, 3))
            doc["ship_date"] = ship_day
            doc["shipment"] = {"number": f"{order_number}-001", "date": ship_day}
            doc["tracking_numbers"] = tracking
            if lines:
                lines[0]["tracking_numbers"] = tracking[:1]
        else:
            doc["hold_reason"] = rng.choice((None, "C3", "SB", "EU")) if not credit else None
        if scenario == "cancelled":
            doc["cancelled_at"] = datetime.combine(order_day + timedelta(days=1), time(9), UTC)
        if credit:
            doc["credit_memo_reason"] = rng.choice(("DF", "DM", "RB", "SC", "WS"))
            doc["original_invoice_number"] = f"IN{2002600000 + max(index - 3, 0) * 37:010d}-001"
        return {k: v for k, v in doc.items() if v is not None}


def ingram_sample(today: date, environment: str = "production") -> dict[str, Any]:
    """The invoice of seed 004's sample response, dated relative to today."""
    invoice_date = today - timedelta(days=10)
    serials = ["0016083588", "0268852524", "0197009077", "0501024596", "0241830403", "0453527854"]
    tracking = [f"PBVS004387686{i}" for i in range(6)]
    return {
        "invoice_number": "20-12345-11",
        "customer_number": "20-123456",
        "environment": environment,
        "currency": "GBP",
        "company_currency": "GBP",
        "currency_rate": "1.000000",
        "document_type": "invoice",
        "status": "invoiced",
        "order_status": "B",
        "country_code": "GB",
        "sales_order_number": "20-12345",
        "po_number": "PON123456",
        "invoice_date": invoice_date,
        "order_date": datetime.combine(today - timedelta(days=18), time(10), UTC),
        "ship_date": today - timedelta(days=19),
        "due_date": invoice_date + timedelta(days=30),
        "payment_terms": "300",
        "bill_to_suffix": "000",
        "bill_to": {
            "name": "VIHU LTD",
            "address1": "INNOVATION HOUSE",
            "address2": "96 HIGH ST",
            "address3": "BARNHAM",
            "city": "THORRINGTON",
            "postal_code": "CO7 4GY",
            "country": "GB",
        },
        "ship_to": {
            "attention": "JAMES EDWARDS",
            "name": "97 PETWORTH ROAD",
            "address1": "RAINFORD",
            "city": "DUNSTER",
            "postal_code": "TA24 1JQ",
            "country": "GB",
        },
        "shipping_option": {"code": "FN", "description": "NEXT DAY PARCELFORCE"},
        "freight": "0.00",
        "foreign_freight": "0.00",
        "discount": "0.00",
        "tax": "900.00",
        "subtotal": "4500.00",
        "total": "5400.00",
        "weight": "13.00",
        "tracking_numbers": tracking,
        "lines": [
            {
                "line_number": 1,
                "global_line_number": "0",
                "item_number": "5234585",
                "manufacturer_part_number": "MJJY-87654",
                "description": "MYTECH 665B DIGITAL CAMERA 110MP",
                "ship_from_branch": "20",
                "quantity": 6,
                "quantity_shipped": 6,
                "quantity_ordered": 6,
                "quantity_backordered": 0,
                "extended_price": "4500.00",
                "order_suffix": "11",
                "unit_price": "750.00",
                "unit_of_measure": "EA",
                "serial_numbers": serials,
                "tracking_numbers": tracking,
            }
        ],
    }


# Every scenario appears in the first few invoices whatever their count; then a realistic mix.
_FIRST = ("invoiced", "open", "credit_open", "credit_invoiced", "paid", "cancelled")
_MIX = (
    ("invoiced",) * 10
    + ("paid",) * 5
    + ("open",) * 2
    + ("credit_invoiced",)
    + ("credit_open", "cancelled")
)


def demo_invoices(
    seed: int = 1, count: int = 200, today: date | None = None
) -> Iterator[CanonicalInvoice]:
    """`count` production invoices over the demo customers, then sandbox copies and the sample."""
    builder = _Builder(seed, today or date.today())
    for index in range(count):
        customer = ALL_CUSTOMERS[index % len(ALL_CUSTOMERS)]
        scenario = _FIRST[index] if index < len(_FIRST) else builder.rng.choice(_MIX)
        yield CanonicalInvoice.model_validate(builder.invoice(index, customer, scenario))
    # Sandbox: every scenario again, for the integrators' sandbox routes.
    for index, scenario in enumerate(_FIRST):
        doc = builder.invoice(10_000 + index, CUSTOMERS[index % len(CUSTOMERS)], scenario)
        doc["environment"] = "sandbox"
        yield CanonicalInvoice.model_validate(doc)
    yield CanonicalInvoice.model_validate(ingram_sample(builder.today))
    yield CanonicalInvoice.model_validate(ingram_sample(builder.today, "sandbox"))
