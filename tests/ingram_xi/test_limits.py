"""Rate limits and availability windows apply to the XI routes exactly as to v5: the same
limit key (`ingram`), so v5 and v6 calls count together, and the same country windows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.ingram_xi.support import put_invoice, xi_headers
from tests.oauth.support import app_client, make_settings, new_client, token_for

ROUTES = (
    "/resellers/v6.1/invoices/INV-1",
    "/resellers/v6/invoices/INV-1",
    "/resellers/v6/invoices",
)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_one_limit_for_v5_and_v6(database_url: str) -> None:
    settings = make_settings(database_url, rate_limits={"ingram": "4 per 60 seconds"})
    async with app_client(settings) as (_app, http):
        await put_invoice(http, "INV-1")
        token = await token_for(http, await new_client(http, ["C100"]))
        v5 = await http.get(
            "/resellers/v5/invoices/INV-1",
            params={"customerNumber": "C100", "isoCountryCode": "US"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert v5.headers["x-ratelimit-remaining"] == "3"
        for remaining, path in zip(("2", "1", "0"), ROUTES, strict=True):
            answer = await http.get(path, headers=xi_headers(token))
            assert answer.status_code == 200, answer.text
            assert answer.headers["x-ratelimit-limit"] == "4"
            assert answer.headers["x-ratelimit-remaining"] == remaining
        over = await http.get(ROUTES[0], headers=xi_headers(token))
        assert over.status_code == 429
        assert "retry-after" in over.headers
        assert over.json()["errors"][0]["type"] == "/errors/too-many-requests"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_outside_the_country_window_every_route_answers_503(database_url: str) -> None:
    settings = make_settings(database_url, ingram_availability={"UK": "06:00-00:30"})
    async with app_client(settings) as (app, http):
        await put_invoice(http, "INV-1")
        token = await token_for(http, await new_client(http, ["C100"]))
        app.state.context.clock = lambda: datetime(2026, 11, 10, 3, 0, tzinfo=UTC)  # 03:00 London
        for path in ROUTES:
            closed = await http.get(path, headers=xi_headers(token, country="UK"))
            assert closed.status_code == 503, (path, closed.text)
            assert closed.headers["retry-after"] == str(3 * 3600)
            assert "x-ratelimit-limit" in closed.headers
            assert "UK" in closed.json()["errors"][0]["message"]
            assert (await http.get(path, headers=xi_headers(token))).status_code == 200
