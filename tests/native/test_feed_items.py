"""A feed page's items, formatted once per run of events sharing a time and a customer, are
what formatting each event on its own gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from invoiceport.dialects.native.events import _items, _link, _page, encode
from invoiceport.dialects.native.views import timestamp
from invoiceport.platform.web import dump_json
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


def _rows(first_id: int, step: int) -> list[FeedRow]:
    start = datetime(2026, 12, 2, 10, 0, 0, 123456, tzinfo=UTC)
    customers = ["C100", 'C 1/ü?#"\\', "C100"]
    return [
        FeedRow(
            id=first_id + i * step,
            event_type="invoice.updated" if i % 3 else "invoice.created",
            environment="sandbox" if i % 7 == 3 else "production",
            customer_number=customers[(i // 4) % 3],
            bill_to_account=f"B{i % 2}" if i % 11 else 'B"\\\x01é',
            invoice_number=f'IN/{i}?x=%#ü"\\\n' if i % 5 == 0 else f"IN-{i}",
            version=1 + i % 4,
            created_at=start + timedelta(milliseconds=(i // 3) * 1001),
        )
        for i in range(60)
    ]


@pytest.mark.parametrize(("first_id", "step"), [(35, 977), (0, 1), (1290, 1), (46_600, 7)])
def test_items_are_each_event_formatted_alone(first_id: int, step: int) -> None:
    """Byte for byte what `dump_json` makes of each event's fields, ids across the two-digit
    steps of base 36 included."""
    rows = _rows(first_id, step)
    expected = dump_json([_alone(row) for row in rows]).decode()
    assert "[" + ",".join(_items(rows)) + "]" == expected
    assert _items([]) == []


@pytest.mark.parametrize("more", [True, False])
def test_a_page_is_what_dump_json_makes_of_it(more: bool) -> None:
    rows = _rows(35, 977)
    body = _page(_items(rows), encode(rows[-1].id, rows[-1].created_at), more=more).body
    cursor = encode(rows[-1].id, rows[-1].created_at)
    items = [_alone(row) for row in rows]
    assert body == dump_json({"items": items, "has_more": more, "next_cursor": cursor})
    empty = dump_json({"items": [], "has_more": False, "next_cursor": "x.y"})
    assert _page([], "x.y", more=False).body == empty
