"""Subscriptions through the real API, a worker in the test process, reading the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import select

from invoiceport.settings import Settings
from invoiceport.webhooks.tables import webhook_events
from invoiceport.webhooks.worker import Worker
from tests.abcsupply.support import ACCOUNT, Abc, abc_app
from tests.webhooks.receiver import Received, Receiver

HOOKS = "/api/invoice/v1/webhooks"
ALL_EVENTS = ["invoice.created", "invoice.updated", "creditmemo.created", "creditmemo.updated"]
FAST: dict[str, object] = {
    "webhook_allow_private": True,  # the receiver is on loopback
    "webhook_retry_schedule": (0, 0.05, 0.1, 0.2),
    "webhook_poll_seconds": 0.02,
    "webhook_timeout_seconds": 2.0,
    "webhook_lease_seconds": 5.0,
}


@asynccontextmanager
async def hooks_app(
    database_url: str, customers: Sequence[str] = (ACCOUNT,), **settings: object
) -> AsyncIterator[Abc]:
    async with abc_app(database_url, customers, **(FAST | settings)) as abc:
        yield abc


async def subscribe(
    abc: Abc, url: str, events: Sequence[str] = tuple(ALL_EVENTS), **extra: Any
) -> dict[str, Any]:
    response = await abc.http.post(
        HOOKS, json={"url": url, "events": list(events), **extra}, headers=abc.auth
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def settings_of(abc: Abc) -> Settings:
    found: Settings = abc.app.state.context.settings
    return found


def worker(abc: Abc, **overrides: object) -> Worker:
    settings = settings_of(abc).model_copy(update=overrides)
    return Worker(abc.app.state.context.engine, settings, name="test-worker")


async def run_until(
    work: Worker,
    receiver: Receiver,
    condition: Callable[[list[Received]], bool],
    within: float = 15,
) -> None:
    """Run the worker loop (retries included) until the receiver has seen what it should."""

    async def check() -> bool:
        return condition(receiver.snapshot())

    await run_while(work, check, within)


async def run_while(work: Worker, done: Callable[[], Awaitable[bool]], within: float = 15) -> None:
    """Run the worker loop until `done()` says so."""
    stop = asyncio.Event()
    task = asyncio.create_task(work.run(stop))
    try:
        async with asyncio.timeout(within):
            while not await done():
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task


async def events(abc: Abc) -> list[Any]:
    async with abc.app.state.context.engine.connect() as conn:
        rows = await conn.execute(select(webhook_events).order_by(webhook_events.c.id))
        return list(rows.all())
