"""`invoiceport worker` as real processes: a SIGKILL mid-run, and three workers sharing the work.

The figures (delivered, duplicates, attempts) are printed on the terminal for the record.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from invoiceport.invoices.service import store_batch
from invoiceport.invoices.validation import validate_document
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import PartnerCreate
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from invoiceport.webhooks import service
from invoiceport.webhooks.schemas import EndpointCreate
from invoiceport.webhooks.tables import webhook_attempts, webhook_deliveries, webhook_events
from tests.factories import invoice_doc
from tests.live import INVOICEPORT, cli_env
from tests.webhooks.receiver import Answer, Received, receiver

pytestmark = pytest.mark.slow

WORKER_SETTINGS = {
    "webhook_allow_private": "true",
    "webhook_retry_schedule": json.dumps([0] + [0.05] * 19),
    "webhook_poll_seconds": "0.02",
    "webhook_timeout_seconds": "2",
    "webhook_lease_seconds": "3",
    "log_level": "WARNING",
}


async def _prepare(database_url: str, url: str, count: int) -> str:
    """A partner with one endpoint on `url`, and `count` new invoices (one event each)."""
    settings = Settings(database_url=database_url, webhook_allow_private=True, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(settings)
    try:
        partner = await partners.create_partner(
            engine, PartnerCreate(name="Receiver", customer_numbers=["C100"])
        )
        issued = await service.create_endpoint(
            engine, settings, partner, EndpointCreate(url=url, events=["invoice.created"])
        )
        docs = [validate_document(invoice_doc(f"F-{n:05d}")) for n in range(count)]
        for start in range(0, count, 500):
            await store_batch(engine, docs[start : start + 500])
        return issued.secret
    finally:
        await engine.dispose()


async def _query(database_url: str, statement: Any) -> list[Any]:
    engine = create_engine(Settings(database_url=database_url, _env_file=None))  # type: ignore[call-arg]
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(statement)).all())
    finally:
        await engine.dispose()


def query(database_url: str, statement: Any) -> list[Any]:
    return asyncio.run(_query(database_url, statement))


@contextmanager
def worker_process(database_url: str, log: Path, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [INVOICEPORT, "worker"],
            env=cli_env(database_url, **(WORKER_SETTINGS | extra)),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def wait(condition: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def unfinished(database_url: str) -> int:
    time.sleep(0.1)
    statement = (
        select(func.count())
        .select_from(webhook_deliveries)
        .where(webhook_deliveries.c.status != "succeeded")
    )
    count: int = query(database_url, statement)[0][0]
    return count


def flaky(rate: float, seed: int) -> Any:
    """Fails `rate` of the requests with a 500 (seeded, so a run can be repeated)."""
    chance = random.Random(seed)
    lock = threading.Lock()

    def respond(_index: int, _headers: dict[str, str], _body: bytes) -> Answer:
        with lock:
            failed = chance.random() < rate
        return (500, {}) if failed else (200, {})

    return respond


def successes_by_id(got: list[Received]) -> Counter[str]:
    return Counter(r.webhook_id for r in got if r.status == 200)


def test_a_killed_worker_loses_nothing_and_duplicates_keep_their_id(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = 500
    with receiver(flaky(0.3, seed=6), delay=0.01) as rec:
        secret = asyncio.run(_prepare(database_url, rec.url, count))
        message_ids = {row[0] for row in query(database_url, select(webhook_events.c.message_id))}
        assert len(message_ids) == count
        started = time.monotonic()
        with worker_process(database_url, tmp_path / "first.log") as first:
            wait(lambda: len(successes_by_id(rec.snapshot())) >= count * 0.4, "first deliveries")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        assert first.returncode == -signal.SIGKILL
        at_kill = len(successes_by_id(rec.snapshot()))
        in_flight = query(
            database_url,
            select(func.count())
            .select_from(webhook_attempts)
            .where(webhook_attempts.c.finished_at.is_(None)),
        )[0][0]
        assert in_flight > 0  # the kill interrupted attempts that were under way
        with worker_process(database_url, tmp_path / "second.log") as second:
            wait(lambda: set(successes_by_id(rec.snapshot())) >= message_ids, "every event", 90)
            # The receiver may have everything while the killed worker's unrecorded deliveries
            # still wait for their leases to run out: wait until the store says delivered too.
            wait(lambda: unfinished(database_url) == 0, "every delivery recorded", 30)
            second.send_signal(signal.SIGTERM)  # a clean stop records what is in flight
            assert second.wait(30) == 0, (tmp_path / "second.log").read_text()
        elapsed = time.monotonic() - started
        got = rec.snapshot()

    successes = successes_by_id(got)
    assert set(successes) == message_ids  # every event arrived; none is lost
    verifier = Webhook(secret)
    ids_by_invoice: dict[str, set[str]] = {}
    for request in got:
        payload = verifier.verify(request.body, request.headers)
        ids_by_invoice.setdefault(payload["data"]["invoiceNumber"], set()).add(request.webhook_id)
    # A duplicate is the same event sent again: it carries the same webhook-id.
    assert len(ids_by_invoice) == count
    assert all(len(ids) == 1 for ids in ids_by_invoice.values())
    statuses = Counter(row[0] for row in query(database_url, select(webhook_deliveries.c.status)))
    assert statuses == {"succeeded": count}
    outcomes = Counter(row[0] for row in query(database_url, select(webhook_attempts.c.outcome)))
    assert None not in outcomes  # every attempt has its result, or is marked abandoned
    assert sum(outcomes.values()) >= len(got)  # every request the receiver saw was recorded
    duplicates = sum(successes.values()) - count
    figures = {
        "events": count,
        "delivered": len(successes),
        "duplicates": duplicates,
        "requests_received": len(got),
        "failed_by_receiver": sum(1 for r in got if r.status == 500),
        "delivered_before_kill": at_kill,
        "in_flight_at_kill": in_flight,
        "attempts_recorded": dict(outcomes),
        "seconds": round(elapsed, 1),
    }
    with capsys.disabled():
        print(
            f"\nwebhook fault test ({database_url.split(':')[0]}): {orjson.dumps(figures).decode()}"
        )


def test_three_workers_share_1000_events_without_sending_any_twice(
    postgres_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import _truncate

    database_url = postgres_database
    _truncate(database_url)
    count = 1000
    with receiver(delay=0.005) as rec:
        logs = [tmp_path / f"worker{n}.log" for n in range(3)]
        extra = {"webhook_concurrency": "4", "log_level": "INFO"}
        with (
            worker_process(database_url, logs[0], **extra) as one,
            worker_process(database_url, logs[1], **extra) as two,
            worker_process(database_url, logs[2], **extra) as three,
        ):
            wait(lambda: all("started" in log.read_text() for log in logs), "workers to start")
            started = time.monotonic()
            secret = asyncio.run(_prepare(database_url, rec.url, count))
            ingested = time.monotonic() - started
            wait(lambda: len(rec.snapshot()) >= count, "1000 deliveries", 90)
            elapsed = time.monotonic() - started
            time.sleep(0.3)  # anything sent twice would arrive now
            for process in (one, two, three):
                process.send_signal(signal.SIGTERM)
            for process in (one, two, three):
                assert process.wait(30) == 0
        got = rec.snapshot()

    by_id = Counter(r.webhook_id for r in got)
    assert len(by_id) == count
    assert max(by_id.values()) == 1  # no event was sent twice, let alone at the same time
    for request in got:
        Webhook(secret).verify(request.body, request.headers)
    rows = query(database_url, select(webhook_attempts.c.worker, webhook_attempts.c.number))
    assert len(rows) == count and {number for _, number in rows} == {1}
    per_worker = Counter(worker for worker, _ in rows)
    assert len(per_worker) == 3, per_worker  # all three took part
    figures = {
        "events": count,
        "requests_received": len(got),
        "attempts_per_worker": sorted(per_worker.values()),
        "seconds_to_ingest": round(ingested, 2),
        "seconds_until_all_delivered": round(elapsed, 2),
    }
    with capsys.disabled():
        print(f"\nthree webhook workers on PostgreSQL: {orjson.dumps(figures).decode()}")


def test_the_worker_refuses_a_lease_shorter_than_the_timeout(tmp_path: Path) -> None:
    settings = {"webhook_timeout_seconds": "10", "webhook_lease_seconds": "5"}
    result = subprocess.run(
        [INVOICEPORT, "worker"],
        env=cli_env(f"sqlite:///{tmp_path}/unused.db", **settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "LEASE_SECONDS must be longer" in result.stderr
    assert "Traceback" not in result.stderr
