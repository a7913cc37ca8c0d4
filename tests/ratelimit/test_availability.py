"""Availability windows per country (seed 004's table), off by default, with a movable clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from invoiceport.ratelimit.availability import SEED_WINDOWS, Availability
from tests.ingram.conftest import get_invoice
from tests.oauth.support import app_client, bearer, make_settings, new_client, token_for


# 2026-07-15 is a Wednesday; London is on BST (UTC+1).
def utc(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 7, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("country", "moment", "wait"),
    [
        ("UK", utc(5, 0), 0),  # 06:00 London: opens
        ("UK", utc(4, 59), 60),
        ("UK", utc(23, 29), 0),  # 00:29 London, the window runs past midnight
        ("UK", utc(23, 30), 5 * 3600 + 1800),  # 00:30 London: closed until 06:00
        ("GB", utc(23, 30), 5 * 3600 + 1800),  # ISO's code for the same country
        ("DE", utc(21, 0), 6 * 3600),  # 23:00 Berlin (UTC+2) closes until 05:00
        ("ES", utc(22, 59), 0),  # 00:59 Madrid
        ("ES", utc(23, 0), 5 * 3600),  # 01:00 Madrid until 06:00
        ("NL", utc(2, 0), 0),  # 00:00-00:00: all day
        ("US", utc(2, 0), 0),  # no window: always
    ],
)
def test_windows_of_the_seed(country: str, moment: datetime, wait: int) -> None:
    assert Availability.from_settings(SEED_WINDOWS).retry_after(country, moment) == wait


def test_winter_time() -> None:
    january = datetime(2026, 1, 14, 5, 30, tzinfo=UTC)  # 05:30 in London (GMT)
    assert Availability.from_settings({"UK": "06:00-00:30"}).retry_after("UK", january) == 1800


async def test_outside_a_window_the_route_answers_503(database_url: str) -> None:
    settings = make_settings(database_url, ingram_availability={"UK": "06:00-00:30"})
    async with app_client(settings) as (app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        app.state.context.clock = lambda: utc(3, 0)  # 04:00 in London
        closed = await get_invoice(http, headers, "20-12345-11", country="UK")
        assert closed.status_code == 503
        assert closed.headers["retry-after"] == str(2 * 3600)
        assert "x-ratelimit-limit" in closed.headers
        preamble = closed.json()["serviceresponse"]["responsepreamble"]
        assert (preamble["statuscode"], preamble["responsestatus"]) == ("503", "FAILED")
        assert "UK" in preamble["responsemessage"]
        other = await get_invoice(http, headers, "20-12345-11", country="US")
        assert other.status_code == 200
        app.state.context.clock = lambda: utc(6, 0)  # 07:00 in London
        assert (await get_invoice(http, headers, "20-12345-11", country="UK")).status_code == 200


async def test_off_by_default(database_url: str) -> None:
    async with app_client(make_settings(database_url)) as (app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        app.state.context.clock = lambda: utc(3, 0)
        assert (await get_invoice(http, headers, "20-12345-11", country="UK")).status_code == 200
