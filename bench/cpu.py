"""CPU time per request in one process: invoiceport's app and the floors, called as ASGI.

    .venv/bin/python bench/cpu.py --url postgresql://postgres@127.0.0.1:5432/invoiceport_front
                                  [--invoices 20000] [--rounds 3] [--cpu-seconds 1.5]
                                  [--concurrency 8] [--match ABC] [--profile DIR]

On a machine shared with other work, requests per second say little; the CPU a request costs the
server process says more, and it is what the ratio targets of `make bench` come down to. This
builds (or reuses) a dataset of `--invoices` invoices (bench/dataset.py), makes a partner with an
API key and an OAuth client the way bench/run.py does (the CLI), builds the app in this process
as `invoiceport serve` does (`create_app()` with the bench's server environment; its lifespan
run, which freezes the objects made at start-up out of the collector's sight: `gc.freeze()`),
takes the client's tokens from its token route, and then, for each scenario of
bench/scenarios.py that has a ratio target, calls the app as ASGI `--concurrency` requests at a
time over the scenario's URLs and credentials until `--cpu-seconds` of this process's CPU
(`time.process_time`) have gone by. Its floor (bench/floor_app.py, the same raw ASGI app on an
asyncpg pool) is measured the same way just before it, in every round, so that a change of the
machine's load falls on both. Printed: microseconds of CPU per request (median of the rounds)
and the ratio floor / app, which is what the req/s ratio would be if both were CPU-bound in one
process.

PostgreSQL's own CPU is not counted (it runs in another process), nor are uvicorn's HTTP parsing
and the socket writes, which the app and its floors share. With `--profile DIR`, a py-spy
speedscope file per scenario of one more run of the app (py-spy records this process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset
import floor_app
from load import BIN, PORT, SERVER_ENV
from run import credentials, setup_partner
from scenarios import ABC_SCOPE, Scenario, scenarios

ASGI = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/invoiceport_front"
# The scenarios with a target and no 1,000-event feed page by default (--match native.feed).
SKIPPED_BY_DEFAULT = ("native.feed",)


def scope_of(target: str, headers: dict[str, str], method: str = "GET") -> dict[str, Any]:
    """What uvicorn hands an app for `target` (path and query) and `headers`."""
    path, _, query = target.partition("?")
    raw = [(b"host", f"127.0.0.1:{PORT}".encode())]
    raw += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", PORT),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": method,
        "root_path": "",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": raw,
        "state": {},
    }


async def call(
    app: ASGI, target: str, headers: dict[str, str], body: bytes = b"", method: str = "GET"
) -> tuple[int, bytes]:
    """One request through `app`: its status and body."""
    scope = scope_of(target, headers, method)
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # no disconnect while the app answers
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def token(app: ASGI, client_id: str, secret: str, scope: str | None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        form["scope"] = scope
    body = urllib.parse.urlencode(form).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": str(len(body)),
    }
    status, answer = await call(app, "/oauth/oauth30/token", headers, body, "POST")
    if status != 200:
        raise SystemExit(f"token: {status} {answer[:300]!r}")
    return str(json.loads(answer)["access_token"])


async def cpu_per_request(
    app: ASGI, sc: Scenario, concurrency: int, budget: float
) -> tuple[float, int]:
    """Microseconds of this process's CPU per request of `sc`, over at least `budget` seconds of
    it, `concurrency` requests at a time; and how many requests that was."""
    paths, headers = sc.paths, sc.headers
    done = 0
    position = 0

    async def worker(count: int, start: int) -> None:
        for i in range(count):
            status, _ = await call(app, paths[(start + i) % len(paths)], headers)
            if status != 200:
                raise SystemExit(f"{sc.name}: {paths[(start + i) % len(paths)]} answered {status}")

    began = time.process_time()
    batch = concurrency * 25
    while time.process_time() - began < budget:
        share = batch // concurrency
        await asyncio.gather(*(worker(share, position + w * share) for w in range(concurrency)))
        position += batch
        done += batch
    spent = time.process_time() - began
    return spent / done * 1e6, done


async def warm(app: ASGI, sc: Scenario) -> None:
    """Every URL of the scenario once (its renderings cached, as after wrk's warm-up)."""
    for path in sc.paths:
        status, body = await call(app, path, sc.headers)
        if status != 200:
            raise SystemExit(f"{sc.name}: {path} answered {status}: {body[:300]!r}")


def chosen(args: argparse.Namespace) -> tuple[list[Scenario], dict[str, Scenario]]:
    every = scenarios(args.invoices)
    by_key = {s.key: s for s in every}
    picked = [
        s
        for s in every
        if s.server == "app"
        and s.at_least is not None
        and (args.match in s.name or args.match in s.key)
        and (args.match == s.key or s.key not in SKIPPED_BY_DEFAULT)
    ]
    return picked, by_key


async def measure(args: argparse.Namespace, key: str, client: tuple[str, str]) -> None:
    os.environ.update({**SERVER_ENV, "INVOICEPORT_DATABASE_URL": args.url})
    from invoiceport.app import create_app

    app = create_app()
    floor_app._pool = await asyncpg.create_pool(
        args.url, min_size=2, max_size=10, reset=floor_app._no_reset
    )
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        stack.push_async_callback(floor_app._pool.close)
        tokens = {scope: await token(app, *client, scope) for scope in (None, ABC_SCOPE)}
        tokens["invoice.read"] = await token(app, *client, "invoice.read")
        headers = credentials(key, tokens.__getitem__)
        picked, by_key = chosen(args)
        for sc in picked:
            sc.headers = {**headers.get(sc.credential, {}), **sc.headers}
        figures: dict[str, list[tuple[float, float]]] = {s.key: [] for s in picked}
        for round_ in range(args.rounds):
            for sc in picked:
                floor = by_key[sc.floor]
                # Right before: the render cache holds fewer entries than all the scenarios'
                # invoices, so each is warmed as wrk's warm-up does, just before its runs.
                await warm(app, sc)
                await warm(floor_app.app, floor)
                floor_us, _ = await cpu_per_request(
                    floor_app.app, floor, args.concurrency, args.cpu_seconds
                )
                app_us, n = await cpu_per_request(app, sc, args.concurrency, args.cpu_seconds)
                figures[sc.key].append((app_us, floor_us))
                print(
                    f"  round {round_ + 1}: {sc.name}: {app_us:,.0f} us ({n:,} requests),"
                    f" floor {floor_us:,.0f} us: {floor_us / app_us:.2f}x",
                    file=sys.stderr,
                    flush=True,
                )
        report(picked, figures, args)
        if args.profile:
            await profile(app, picked, args)


def report(
    picked: list[Scenario], figures: dict[str, list[tuple[float, float]]], args: argparse.Namespace
) -> None:
    print(
        f"CPU per request, in one process ({args.concurrency} at a time, {args.invoices:,}"
        f" invoices, median of {args.rounds} rounds of >= {args.cpu_seconds} s CPU each)"
    )
    print(f"{'scenario':<48} {'app us':>8} {'floor us':>9} {'ratio':>6} {'target':>7}")
    for sc in picked:
        app_us = statistics.median(a for a, _ in figures[sc.key])
        floor_us = statistics.median(f for _, f in figures[sc.key])
        ratio = statistics.median(f / a for a, f in figures[sc.key])
        met = "met" if sc.at_least is not None and ratio >= sc.at_least else "missed"
        print(
            f"{sc.name[:48]:<48} {app_us:>8,.0f} {floor_us:>9,.0f} {ratio:>5.2f}x"
            f" {sc.at_least:>5.1f}x {met}"
        )


def py_spy(out: Path, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy recording this process for `seconds` into `out` (speedscope)."""
    argv = [str(BIN / "py-spy"), "record", "--nonblocking", "--format", "speedscope"]
    argv += ["--rate", "500", "--duration", str(int(seconds)), "--output", str(out)]
    return subprocess.Popen(
        [*argv, "--pid", str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def profile(app: ASGI, picked: list[Scenario], args: argparse.Namespace) -> None:
    """One more run of each scenario with py-spy recording this process."""
    args.profile.mkdir(parents=True, exist_ok=True)
    for sc in picked:
        out = args.profile / f"cpu-{sc.key}.speedscope.json"
        seconds = max(2.0, args.cpu_seconds * 2)
        spy = py_spy(out, seconds)
        await asyncio.sleep(0.5)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await cpu_per_request(app, sc, args.concurrency, 0.2)
        _, stderr = spy.communicate(timeout=60)
        print(f"profile of {sc.name}: {out}" if spy.returncode == 0 else stderr.decode()[-300:])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cpu-seconds", type=float, default=1.5, help="CPU a measurement")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--match", default="", help="scenarios whose name or key contains this")
    parser.add_argument("--profile", type=Path, help="py-spy speedscope files to this directory")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(asyncio.run(dataset.build(args.url, args.invoices)), file=sys.stderr)
    key, client_id, secret = setup_partner(args.url)
    asyncio.run(measure(args, key, (client_id, secret)))


if __name__ == "__main__":
    main()
