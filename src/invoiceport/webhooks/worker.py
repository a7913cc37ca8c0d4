"""`invoiceport worker`: fan out new events, claim due deliveries, send them, record every attempt.

At least once: a delivery is claimed with a lease (`locked_until`) and an attempt row written
*before* the request goes out, in one transaction; the result is recorded afterwards. A worker
killed in between leaves an attempt without a result and a lease that runs out; the next worker
to claim the delivery marks that attempt `abandoned` and sends again, with the same `webhook-id`,
so the receiver can tell it is a duplicate. On PostgreSQL several workers share the work
(`FOR UPDATE SKIP LOCKED` in the claim); on SQLite the claims are serialised by the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import signal
import socket
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from invoiceport.platform.db import utcnow, write_transaction
from invoiceport.settings import Settings
from invoiceport.webhooks import delivery, repository, service, signing
from invoiceport.webhooks.repository import Job

log = logging.getLogger("invoiceport.webhooks")

MAX_RETRY_AFTER_SECONDS = 86_400.0
JITTER = 0.1  # retries are postponed by up to 10% more, so failing receivers are not hit in step
PRUNE_EVERY_SECONDS = 3600.0
MAX_OUTAGE_PAUSE_SECONDS = 5.0
NOT_GRANTED = "cancelled: the partner is no longer granted this account"


@dataclass(slots=True)
class Stats:
    attempts: Counter[str] = field(default_factory=Counter)
    events_dispatched: int = 0


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} seconds"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


@dataclass(frozen=True, slots=True)
class Finished:
    job: Job
    attempt_id: int
    result: delivery.Result


class Worker:
    """One delivery loop. `run` until `stop` is set; `run_until_idle` for tests and one-shots."""

    def __init__(self, engine: AsyncEngine, settings: Settings, *, name: str | None = None):
        self.engine = engine
        self.settings = settings
        self.name = name or worker_name()
        self.stats = Stats()
        self._lock_rows = engine.dialect.name != "sqlite"
        key = settings.webhook_signing_key
        self._signing_key = key.get_secret_value() if key and key.get_secret_value() else None
        self._inflight: set[asyncio.Task[Finished]] = set()
        self._unrecorded: list[Finished] = []  # sent, result not yet written
        self._unrecorded_since = 0.0
        self._next_dispatch = 0.0
        self._batch = max(1, settings.webhook_concurrency // 4)
        self._client: httpx.AsyncClient | None = None
        self._last_prune: float | None = None

    # --- the loop ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        log.info(
            "webhook worker %s started (concurrency %d, poll %.2f s)",
            self.name,
            self.settings.webhook_concurrency,
            self.settings.webhook_poll_seconds,
        )
        pause = self.settings.webhook_poll_seconds
        async with self._http():
            while not stop.is_set():
                try:
                    busy = await self.step()
                except (OSError, TimeoutError, DBAPIError) as exc:
                    # The database is away: keep what was sent, try again a little later.
                    log.warning("webhook worker: database unavailable (%s)", type(exc).__name__)
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, MAX_OUTAGE_PAUSE_SECONDS)
                    continue
                pause = self.settings.webhook_poll_seconds
                await self._wait(stop, busy)
            await self._drain()
        log.info("webhook worker %s stopped: %s", self.name, dict(self.stats.attempts))

    async def run_until_idle(self, within: float = 30.0) -> None:
        """Work until nothing is due or in flight (retries scheduled later are left)."""
        async with asyncio.timeout(within), self._http():
            while await self.step(eager=True) or self._inflight:
                await self._wait(None, True)
            await self._drain()

    async def step(self, *, eager: bool = False) -> bool:
        """One round: fan out new events, record finished sends and claim due deliveries.

        Recording and claiming share one transaction and happen in batches (when a quarter of
        the slots are free, or nothing is in flight), not once per request: a transaction per
        webhook would cap a worker at a few hundred a second.
        """
        dispatched = await self._dispatch(eager)
        self._collect()
        free = self.settings.webhook_concurrency - len(self._inflight)
        claim = free >= self._batch or not self._inflight
        record = bool(self._unrecorded) and (claim or eager or self._results_waited())
        started = await self._record_and_claim(free if claim else 0) if claim or record else 0
        await self._maybe_prune()
        return bool(dispatched or started)

    async def _dispatch(self, eager: bool) -> int:
        """Fan out new events, at most once a poll interval unless a full batch was found."""
        now = asyncio.get_running_loop().time()
        if not eager and now < self._next_dispatch:
            return 0
        dispatched = await service.dispatch(self.engine)
        self.stats.events_dispatched += dispatched
        full = dispatched >= service.DISPATCH_BATCH
        self._next_dispatch = now if full else now + self.settings.webhook_poll_seconds
        return dispatched

    def _results_waited(self) -> bool:
        waited = asyncio.get_running_loop().time() - self._unrecorded_since
        return waited >= self.settings.webhook_poll_seconds

    async def _wait(self, stop: asyncio.Event | None, busy: bool) -> None:
        if busy and not self._inflight:
            return
        waiters: set[asyncio.Future[object]] = set(self._inflight)  # type: ignore[arg-type]
        stopper = asyncio.ensure_future(stop.wait()) if stop is not None else None
        if stopper is not None:
            waiters.add(stopper)  # type: ignore[arg-type]
        try:
            await asyncio.wait(
                waiters,
                timeout=self.settings.webhook_poll_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            if stopper is not None:
                stopper.cancel()

    async def _drain(self) -> None:
        """Let the requests in flight finish (each is bounded by the timeout) and record them."""
        if self._inflight:
            await asyncio.wait(self._inflight)
        self._collect()
        if self._unrecorded:
            await self._record_and_claim(0)

    def _http(self) -> httpx.AsyncClient:
        self._client = delivery.new_client(
            timeout=self.settings.webhook_timeout_seconds,
            allow_private=self.settings.webhook_allow_private,
            concurrency=self.settings.webhook_concurrency,
        )
        return self._client

    # --- claiming and sending ----------------------------------------------------------------

    async def _record_and_claim(self, limit: int) -> int:
        """Write the finished attempts' results and claim up to `limit` due deliveries."""
        now = utcnow()
        finished = list(self._unrecorded)
        if not finished:
            async with self.engine.connect() as conn:  # idle: no write lock for nothing
                if not await repository.due_exist(conn, now):
                    return 0
        async with write_transaction(self.engine) as conn:
            if finished:
                await self._write_results(conn, finished, now)
            jobs = await self._claim(conn, limit, now) if limit > 0 else []
        self._unrecorded = []
        for item in finished:
            self.stats.attempts[item.result.outcome] += 1
        for job, attempt_id in jobs:
            self._inflight.add(asyncio.create_task(self._send(job, attempt_id)))
        return len(jobs)

    async def _claim(
        self, conn: AsyncConnection, limit: int, now: datetime
    ) -> list[tuple[Job, int]]:
        """Lease due deliveries and write their attempt rows, before anything is sent."""
        ids = await repository.claim_due(conn, now, limit, lock=self._lock_rows)
        if not ids:
            return []
        await repository.abandon_open_attempts(conn, ids, now)
        jobs = await repository.jobs(conn, ids)
        denied = [j.delivery_id for j in jobs if not j.granted]
        await repository.cancel_deliveries(conn, denied, NOT_GRANTED, now)
        granted = [j for j in jobs if j.granted]
        lease = now + timedelta(seconds=self.settings.webhook_lease_seconds)
        attempt_ids = await repository.start_attempts(conn, granted, self.name, now, lease)
        return [(job, attempt_ids[job.delivery_id]) for job in granted]

    def _secrets(self, job: Job, now: datetime) -> list[bytes]:
        found = [signing.secret_bytes(job.secret, self._signing_key)]
        previous, until = job.previous_secret, job.previous_expires_at
        if previous is not None and until is not None and until > now:
            with contextlib.suppress(signing.SigningKeyUnavailable):  # the new one still signs
                found.append(signing.secret_bytes(previous, self._signing_key))
        return found

    async def _send(self, job: Job, attempt_id: int) -> Finished:
        assert self._client is not None
        try:
            keys = self._secrets(job, utcnow())
        except signing.SigningKeyUnavailable as exc:
            return Finished(job, attempt_id, delivery.Result("failed", None, 0, str(exc)))
        try:
            result = await delivery.send(
                self._client,
                url=job.url,
                message_id=job.message_id,
                body=job.payload,
                secrets=keys,
                seconds=self.settings.webhook_timeout_seconds,
            )
        except Exception as exc:  # a bug must cost one attempt, never the worker
            log.exception("webhook %s: unexpected error while sending", job.message_id)
            result = delivery.Result("failed", None, 0, f"{type(exc).__name__}: {exc}"[:500])
        return Finished(job, attempt_id, result)

    def _collect(self) -> None:
        """Move finished sends to `_unrecorded` (kept until a recording transaction commits)."""
        done = [task for task in self._inflight if task.done()]
        if done and not self._unrecorded:
            self._unrecorded_since = asyncio.get_running_loop().time()
        self._inflight.difference_update(done)
        self._unrecorded.extend(task.result() for task in done)

    # --- recording ---------------------------------------------------------------------------

    def _next_delay(self, retry_index: int, retry_after: float | None) -> float:
        delay = self.settings.webhook_retry_schedule[retry_index]
        delay += random.uniform(0, delay * JITTER)  # noqa: S311 (jitter, not a secret)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return delay

    def _settlement(self, item: Finished, now: datetime) -> dict[str, object]:
        """The delivery's new state after this attempt (every key set, for one executemany)."""
        result, job = item.result, item.job
        values: dict[str, object] = {
            "delivery": job.delivery_id,
            "attempt": item.attempt_id,
            "status": "failed",
            "retry_index": job.retry_index + 1,
            "next_attempt_at": now,
            "delivered_at": None,
            "last_status_code": result.status_code,
            "last_error": result.error,
            "updated_at": now,
        }
        if result.outcome == "succeeded":
            return values | {
                "status": "succeeded",
                "retry_index": job.retry_index,
                "delivered_at": now,
            }
        if result.gone:
            return values
        next_index = job.retry_index + 1
        if next_index >= len(self.settings.webhook_retry_schedule):
            error = f"{result.error}; gave up after {job.attempt_number} attempts"
            return values | {"last_error": error}
        delay = self._next_delay(next_index, result.retry_after)
        return values | {"status": "pending", "next_attempt_at": now + timedelta(seconds=delay)}

    async def _write_results(
        self, conn: AsyncConnection, finished: list[Finished], now: datetime
    ) -> None:
        await repository.finish_attempts(
            conn,
            [
                {
                    "attempt": item.attempt_id,
                    "finished_at": now,
                    "outcome": item.result.outcome,
                    "status_code": item.result.status_code,
                    "duration_ms": item.result.duration_ms,
                    "error": item.result.error,
                    "response_excerpt": item.result.response_excerpt,
                }
                for item in finished
            ],
        )
        await repository.settle_deliveries(conn, [self._settlement(i, now) for i in finished])
        last_by_endpoint: dict[int, Finished] = {}
        for item in finished:
            last_by_endpoint[item.job.endpoint_id] = item
            if item.result.outcome == "failed":
                log.info(
                    "webhook %s to endpoint %d failed (attempt %d): %s",
                    item.job.message_id,
                    item.job.endpoint_id,
                    item.job.attempt_number,
                    item.result.error,
                )
        disable_before = now - timedelta(seconds=self.settings.webhook_disable_after_seconds)
        for endpoint_id, item in last_by_endpoint.items():
            await self._endpoint_health(conn, endpoint_id, item.result, now, disable_before)

    async def _endpoint_health(
        self,
        conn: AsyncConnection,
        endpoint_id: int,
        result: delivery.Result,
        now: datetime,
        disable_before: datetime,
    ) -> None:
        if result.outcome == "succeeded":
            await repository.endpoint_succeeded(conn, endpoint_id)
        elif result.gone:
            reason = f"disabled at {now:%Y-%m-%dT%H:%M:%SZ}: the endpoint answered 410 Gone"
            await repository.disable_endpoint(conn, endpoint_id, reason, now)
            log.warning("webhook endpoint %d disabled: 410 Gone", endpoint_id)
        else:
            reason = (
                f"disabled at {now:%Y-%m-%dT%H:%M:%SZ}: every delivery failed for "
                f"{_duration(self.settings.webhook_disable_after_seconds)}; "
                f"last error: {result.error}"
            )
            if await repository.endpoint_failed(conn, endpoint_id, now, disable_before, reason):
                log.warning("webhook endpoint %d disabled: %s", endpoint_id, reason)

    async def _maybe_prune(self) -> None:
        days = self.settings.webhook_retention_days
        if days:  # the change feed reads the same events: keep them as long as it promises
            days = max(days, self.settings.feed_retention_days + 1)  # a day to spare
        loop_time = asyncio.get_running_loop().time()
        if days <= 0:
            return
        if self._last_prune is not None and loop_time - self._last_prune < PRUNE_EVERY_SECONDS:
            return
        self._last_prune = loop_time
        removed = await service.prune(self.engine, timedelta(days=days))
        if removed:
            log.info("pruned %d webhook events older than %d days", removed, days)


async def serve_forever(engine: AsyncEngine, settings: Settings) -> Stats:
    """Run one worker until SIGTERM or SIGINT; requests in flight finish and are recorded."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    worker = Worker(engine, settings)
    try:
        await worker.run(stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return worker.stats
