"""A feed page's items, formatted once per run of events sharing a time and a customer, are
what formatting each event on its own gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from invoiceport.dialects.native.events import _items, _link, encode
from invoiceport.dialects.native.views import timestamp
from invoiceport.webhooks.feed import FeedRow


def _alone(row: FeedRow) -> dict[str, object]:
    return {
        "id": encode(row.id, row.created_at),
        "type": row.event_type,
        "created_at": timestamp(row.created_at),
        "environment": row.environment,
        "customer_number": row.customer_number,
        "bill_to_account": row.bill_to_account,
        "invoice_number": row.invoice_number,
        "version": row.version,
        "links": {"invoice": _link(row.environment, row.customer_number, row.invoice_number)},
    }


def test_items_are_each_event_formatted_alone() -> None:
    start = datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=UTC)
    customers = ["C100", "C 1/ü?#", "C100"]
    rows = [
        FeedRow(
            id=35 + i * 977,
            event_type="invoice.updated" if i % 3 else "invoice.created",
            environment="sandbox" if i % 7 == 3 else "production",
            customer_number=customers[(i // 4) % 3],
            bill_to_account=f"B{i % 2}",
            invoice_number=f"IN/{i}?x=%#ü" if i % 5 == 0 else f"IN-{i}",
            version=1 + i % 4,
            created_at=start + timedelta(milliseconds=(i // 3) * 1001),
        )
        for i in range(60)
    ]
    assert _items(rows) == [_alone(row) for row in rows]
    assert _items([]) == []
