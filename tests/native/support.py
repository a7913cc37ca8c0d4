"""Helpers for the native API tests: a partner with an API key and an OAuth client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from tests.factories import invoice_doc
from tests.oauth.support import Client, bearer, new_client, token_for

KEY_HEADER = "Ocp-Apim-Subscription-Key"


@dataclass(frozen=True)
class Partner:
    id: int
    key: str
    client: Client

    def key_auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def header_auth(self) -> dict[str, str]:
        return {"Authorization": "", KEY_HEADER: self.key}


async def new_partner(
    admin: httpx.AsyncClient, customers: Sequence[str] = ("C100",), name: str = "Partner"
) -> Partner:
    client = await new_client(admin, customers, name=name)
    issued = await admin.post(f"/admin/v1/partners/{client.partner_id}/api-keys")
    assert issued.status_code in (200, 201), issued.text
    return Partner(client.partner_id, issued.json()["key"], client)


async def token_auth(
    admin: httpx.AsyncClient, partner: Partner, scope: str | None = None
) -> dict[str, str]:
    return bearer(await token_for(admin, partner.client, scope))


async def load(admin: httpx.AsyncClient, *docs: dict[str, Any]) -> None:
    """Stored through the admin API's NDJSON load, in order (one batch)."""
    body = b"\n".join(orjson.dumps(doc) for doc in docs)
    response = await admin.post("/admin/v1/invoices/bulk", content=body)
    assert response.status_code == 200, response.text
    assert not response.json().get("rejected"), response.text


def doc(number: str, customer: str = "C100", **overrides: Any) -> dict[str, Any]:
    return invoice_doc(number, customer, **overrides)
