"""The change feed: the outbox's events for the partner's accounts, oldest first, by cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from invoiceport.dialects.native.events import encode
from tests.native.support import doc, load, new_partner

URL = "/v1/events"


async def _feed(
    client: httpx.AsyncClient, auth: dict[str, str], **params: str
) -> tuple[list[dict], str]:  # type: ignore[type-arg]
    items: list[dict] = []  # type: ignore[type-arg]
    cursor = params.pop("after", None)
    while True:
        query = dict(params, **({"after": cursor} if cursor else {}))
        response = await client.get(URL, params=query, headers=auth)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items, cursor


async def test_feed(client: httpx.AsyncClient) -> None:
    partner = await new_partner(client, ("C100",))
    auth = partner.key_auth()
    start = (await client.get(URL, params={"after": "now"}, headers=auth)).json()
    assert start["items"] == [] and start["has_more"] is False
    await load(client, doc("INV-1"), doc("INV-2"), doc("X-1", "C200"))
    await load(client, doc("INV-1", po_number="PO-2"), doc("CM-1", document_type="credit_memo"))
    await load(
        client, doc("B-1", "C300", bill_to_account="C100"), doc("S-1", environment="sandbox")
    )
    await load(client, doc("INV-2"))  # unchanged: no event
    items, cursor = await _feed(client, auth, limit="2")
    seen = [(i["type"], i["invoice_number"], i["version"]) for i in items]
    assert seen == [
        ("invoice.created", "INV-1", 1),
        ("invoice.created", "INV-2", 1),
        ("invoice.updated", "INV-1", 2),
        ("creditmemo.created", "CM-1", 1),
        ("invoice.created", "B-1", 1),  # its bill-to account is granted
    ]
    assert items[0]["links"]["invoice"] == "/v1/invoices/C100/INV-1"
    document = await client.get(items[2]["links"]["invoice"], headers=auth)
    assert document.json()["version"] == 2
    later, _ = await _feed(client, auth, after=start["next_cursor"])
    assert later == items
    nothing, same = await _feed(client, auth, after=cursor)
    assert nothing == []
    await load(client, doc("INV-2", po_number="PO-3"))
    news, _ = await _feed(client, auth, after=same)
    assert [(i["type"], i["invoice_number"]) for i in news] == [("invoice.updated", "INV-2")]
    typed, _ = await _feed(client, auth, types="creditmemo.created,creditmemo.updated")
    assert [i["invoice_number"] for i in typed] == ["CM-1"]
    sandbox = (await client.get("/v1/sandbox/events", headers=auth)).json()
    assert [i["invoice_number"] for i in sandbox["items"]] == ["S-1"]


async def test_feed_refusals(client: httpx.AsyncClient) -> None:
    partner = await new_partner(client, ("C100",))
    auth = partner.key_auth()
    old = encode(5, datetime.now(UTC) - timedelta(days=31))
    gone = await client.get(URL, params={"after": old}, headers=auth)
    assert gone.status_code == 410, gone.text
    problem = gone.json()
    assert problem["parameter"] == "after" and "after=now" in problem["detail"]
    assert gone.headers["content-type"] == "application/problem+json"
    recent = encode(5, datetime.now(UTC) - timedelta(days=29))
    assert (await client.get(URL, params={"after": recent}, headers=auth)).status_code == 200
    for query, parameter in {
        "after=xyz": "after",
        "limit=1001": "limit",
        "types=invoice.deleted": "types",
        "since=1": "since",
    }.items():
        answer = await client.get(f"{URL}?{query}", headers=auth)
        assert answer.status_code == 400 and answer.json()["parameter"] == parameter, answer.text
    assert (await client.get(URL)).status_code == 401
