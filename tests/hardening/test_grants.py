"""Customer grants cannot cross tenants: the CLI validates exactly as the admin API does, look-alike
customer numbers are refused everywhere, and stored grants are read back value for value."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.partners import repository
from invoiceport.partners import service as partners
from invoiceport.platform.db import utcnow, write_transaction
from invoiceport.reads.service import Presented, access
from tests.test_cli import run

LOOK_ALIKES = [
    "NOTHING\nC100",  # the line break the grants were once joined on
    ".",
    "..",
    "C100\u2028",  # line separator
    "C\u2029100",  # paragraph separator
    "C\u200b100",  # zero-width space
    "\u200dC100",  # zero-width joiner
    "\u202eC100",  # right-to-left override
    "C\u2066100",  # bidi isolate
    "C\u00a0100",  # no-break space
    "\ufeffC100",  # byte order mark
    "C\x85100",  # C1 control (next line)
    "C\u00ad100",  # soft hyphen
]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("number", LOOK_ALIKES)
async def test_the_cli_grant_refuses_what_the_admin_api_refuses(
    client: httpx.AsyncClient, database_url: str, number: str
) -> None:
    created = await client.post("/admin/v1/partners", json={"name": "P", "customer_numbers": []})
    partner_id = str(created.json()["id"])
    api = await client.post("/admin/v1/partners", json={"name": "Q", "customer_numbers": [number]})
    assert api.status_code == 422, api.text
    refused = await asyncio.to_thread(
        run, "partner", "grant", partner_id, "C1", number, database_url=database_url
    )
    assert refused.returncode == 2, refused.stdout
    # the same problem, worded the same: the admin API's error for item 0 is the CLI's for item 1
    (problem,) = api.json()["errors"]
    assert refused.stderr.strip() == f"error: invalid grant: {problem.replace('[0]', '[1]')}"
    shown = await client.get(f"/admin/v1/partners/{partner_id}")
    assert shown.json()["customer_numbers"] == []  # nothing stored, not even the valid C1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_cli_value_the_admin_api_checks_is_checked_the_same(
    client: httpx.AsyncClient, database_url: str
) -> None:
    name = await asyncio.to_thread(run, "partner", "create", "a\x01b", database_url=database_url)
    api = await client.post("/admin/v1/partners", json={"name": "a\x01b"})
    assert name.stderr.strip() == f"error: invalid partner: {api.json()['errors'][0]}"
    customer = await asyncio.to_thread(
        run, "partner", "create", "P", "--customer", "..", database_url=database_url
    )
    api = await client.post("/admin/v1/partners", json={"name": "P", "customer_numbers": [".."]})
    assert customer.stderr.strip() == f"error: invalid partner: {api.json()['errors'][0]}"
    scope = await asyncio.to_thread(
        run, "partner", "add-client", "1", "--scope", "all", database_url=database_url
    )
    api = await client.post("/admin/v1/partners/1/oauth-clients", json={"scopes": ["all"]})
    assert scope.stderr.strip() == f"error: invalid scope: {api.json()['errors'][0]}"
    too_big = await asyncio.to_thread(
        run, "partner", "add-key", str(2**31), database_url=database_url
    )
    assert too_big.returncode == 2 and "2147483648" in too_big.stderr  # not a database error
    assert "database" not in too_big.stderr


async def test_a_stored_grant_is_read_back_whole(engine: AsyncEngine) -> None:
    """Even a value no validator lets in today (an older version stored it, or someone wrote it
    with SQL) stays one customer number: a grant is checked as one stored row equal to the
    account asked for, never joined and split again, so "NOTHING\\nC100" never grants C100."""
    async with write_transaction(engine) as conn:
        partner_id = await repository.insert_partner(conn, "Old", utcnow())
        await repository.grant_customers(conn, partner_id, ["NOTHING\nC100", 'q"x', "C7"])
    key = await partners.issue_api_key(engine, partner_id)
    for account, granted in (("C7", True), ('q"x', True), ("C100", False), ("NOTHING", False)):
        principal = (
            await access(engine, Presented("api_key", key.key), utcnow(), account=account)
        ).principal
        assert principal is not None
        assert principal.may_see(account) is granted, account


async def test_a_partner_without_grants_sees_nothing(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        partner_id = await repository.insert_partner(conn, "Empty", utcnow())
    key = await partners.issue_api_key(engine, partner_id)
    found = await access(engine, Presented("api_key", key.key), utcnow(), account="C7")
    assert found.principal is not None and found.principal.customer_numbers == frozenset()
