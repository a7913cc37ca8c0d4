"""Rate limits in one process (memory storage), seen through the Ingram routes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from invoiceport import ratelimit
from invoiceport.partners.schemas import Principal
from tests.ingram.conftest import get_invoice
from tests.oauth.support import Client, app_client, bearer, make_settings, new_client, token_for

SAMPLE = "20-12345-11"


@asynccontextmanager
async def ingram(
    database_url: str, **settings: Any
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with app_client(make_settings(database_url, **settings)) as (app, http):
        yield app, http


def limit_headers(response: httpx.Response) -> tuple[int, int, int]:
    h = response.headers
    return int(h["x-ratelimit-limit"]), int(h["x-ratelimit-remaining"]), int(h["x-ratelimit-reset"])


async def test_the_ingram_default_is_60_per_60_seconds(database_url: str) -> None:
    async with ingram(database_url) as (_app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        before = time.time()
        response = await get_invoice(http, headers, SAMPLE)
        limit, remaining, reset = limit_headers(response)
        assert (limit, remaining) == (60, 59)
        assert before + 59 <= reset / 1000 <= time.time() + 61  # Unix time in milliseconds


async def test_every_answer_counts_and_carries_the_headers(database_url: str) -> None:
    async with ingram(database_url, rate_limits={"ingram": "4/minute"}) as (_app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        answers = [
            await get_invoice(http, headers, SAMPLE),  # EO: nothing stored
            await get_invoice(http, headers, SAMPLE, customer=None),  # 400
            await get_invoice(http, headers, SAMPLE, customer="100999"),  # 403
            await get_invoice(http, headers, SAMPLE),
        ]
        assert [r.status_code for r in answers] == [200, 400, 403, 200]
        assert [limit_headers(r)[1] for r in answers] == [3, 2, 1, 0]
        refused = await get_invoice(http, headers, SAMPLE)
        assert refused.status_code == 429
        assert limit_headers(refused)[:2] == (4, 0)
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        preamble = refused.json()["serviceresponse"]["responsepreamble"]
        assert preamble["statuscode"] == "429"
        assert "rate limit" in preamble["responsemessage"]


async def test_limits_count_per_client(database_url: str) -> None:
    async with ingram(database_url, rate_limits={"ingram": "1/minute"}) as (_app, http):
        first = await new_client(http, ["20-123456"])
        second = await new_client(http, ["20-123456"], name="Second")
        a, b = bearer(await token_for(http, first)), bearer(await token_for(http, second))
        assert (await get_invoice(http, a, SAMPLE)).status_code == 200
        assert (await get_invoice(http, b, SAMPLE)).status_code == 200
        assert (await get_invoice(http, a, SAMPLE)).status_code == 429
        # A new token of the same client does not reset its count.
        again = bearer(await token_for(http, first))
        assert (await get_invoice(http, again, SAMPLE)).status_code == 429


async def test_partner_overrides(database_url: str) -> None:
    async with ingram(database_url) as (_app, http):
        vip: Client = await new_client(http, ["20-123456"])
        await new_client(http, ["20-123456"], name="Unlimited")
    partners = {f"{vip.partner_id}:ingram": "2/minute", str(vip.partner_id + 1): "off"}
    async with ingram(database_url, rate_limit_partners=partners) as (_app, http):
        vip_headers = bearer(await token_for(http, vip))
        assert limit_headers(await get_invoice(http, vip_headers, SAMPLE))[:2] == (2, 1)
        second = await new_client(http, ["20-123456"], name="Later")  # no override: default
        assert limit_headers(
            await get_invoice(http, bearer(await token_for(http, second)), SAMPLE)
        )[:2] == (60, 59)


async def test_off_means_no_limit_and_no_headers(database_url: str) -> None:
    async with ingram(database_url, rate_limits={"ingram": "off"}) as (_app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        response = await get_invoice(http, headers, SAMPLE)
        assert response.status_code == 200
        assert "x-ratelimit-limit" not in response.headers


async def test_any_dialect_can_use_the_limiter(database_url: str) -> None:
    """The mechanism is not Ingram's: a route of another dialect with its own default."""
    async with ingram(database_url, rate_limits={"probe": "2/minute"}) as (app, http):

        @app.get("/probe/{partner}")
        async def probe(request: Request, partner: int) -> JSONResponse:
            who = Principal(partner_id=partner, customer_numbers=frozenset())
            limiter = request.app.state.context.rate_limiter
            decision = await ratelimit.check(limiter, "probe", who, default="100/minute")
            assert decision is not None
            if not decision.allowed:
                status, message, headers = decision.refusal
                return JSONResponse({"error": message}, status, headers=headers)
            return JSONResponse({}, headers=decision.headers)

        codes = [(await http.get("/probe/1")).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert (await http.get("/probe/2")).status_code == 200  # another partner counts apart


@pytest.mark.parametrize("limit", ["3 per 60 seconds", "3/minute"])
async def test_limit_notations(database_url: str, limit: str) -> None:
    async with ingram(database_url, rate_limits={"ingram": limit}) as (_app, http):
        client = await new_client(http, ["20-123456"])
        headers = bearer(await token_for(http, client))
        assert limit_headers(await get_invoice(http, headers, SAMPLE))[:2] == (3, 2)
