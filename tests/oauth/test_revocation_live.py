"""Revocation reaches every server process on its next request (the database decides)."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.live import live_server

URL = "/resellers/v5/invoices/INV-1?customerNumber=C100&isoCountryCode=US"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_revoking_a_client_stops_its_token_in_another_process(database_url: str) -> None:
    with (
        live_server(database_url, admin_token=ADMIN_TOKEN) as first,
        live_server(database_url, admin_token=ADMIN_TOKEN) as second,
    ):
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with httpx.AsyncClient(timeout=10) as http:
            partner = await http.post(
                f"{first}/admin/v1/partners",
                json={"name": "P", "customer_numbers": ["C100"]},
                headers=admin,
            )
            partner_id = partner.json()["id"]
            issued = await http.post(
                f"{first}/admin/v1/partners/{partner_id}/oauth-clients", json={}, headers=admin
            )
            client = issued.json()
            form = {
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            }
            token = (await http.post(f"{first}/oauth/token", data=form)).json()["access_token"]
            bearer = {"Authorization": f"Bearer {token}"}
            for base in (first, second):
                assert (await http.get(base + URL, headers=bearer)).status_code == 200
            revoked = await http.delete(
                f"{first}/admin/v1/partners/{partner_id}/oauth-clients/{client['client_id']}",
                headers=admin,
            )
            assert revoked.status_code in (200, 204)
            # The very next request, in the process that did not see the revocation happen:
            assert (await http.get(second + URL, headers=bearer)).status_code == 401
            assert (await http.get(first + URL, headers=bearer)).status_code == 401
            again = await http.post(f"{second}/oauth/token", data=form)
            assert again.status_code == 401
