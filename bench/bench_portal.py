"""The portal's invoice list of a 200,000-invoice customer, beside the kit's page floor.

`.venv/bin/python bench/bench_portal.py` (needs PostgreSQL and wrk, like `make bench`). Its own
database (default `invoiceport_bench_portal`, built once: the big customer of the benchmark
dataset, 200,000 invoices, by COPY as bench/dataset.py loads them) so that the shared benchmark
database keeps its schema. Then a partner granted that customer, a portal user and a session
(the cookie a browser would hold), and wrk against:

* the page floor (bench/floor_app.py: a first page of 20 documents by raw asyncpg, no auth),
* the portal's first page (`/portal/invoices`, 50 rows, the session checked and the grant read),
* the portal's keyset pages deep in the list (cursors at 1,000 ... 199,000 invoices in),

each portal run following a run of the floor; the report (p50, p99, req/s, ratio to the floor's
alternated runs; target 0.25x, p99 under 100 ms) goes to bench/results/portal.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataset
from load import Run, Server, lua_script, uvicorn_argv, wrk

from invoiceport.accounts import service as accounts
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import PartnerCreate
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from invoiceport.web import session_key
from invoiceport.web.sessions import cookie_value

ROOT = Path(__file__).resolve().parent.parent
URL = "postgresql://postgres@127.0.0.1:5432/invoiceport_bench_portal"
PORT, FLOOR_PORT = 8881, 8882
SECRET = "bench-portal-session-secret-0123456789abcdef"  # noqa: S105 - a bench-only key
TARGET = 0.25
BIG = dataset.BIG


async def load(url: str) -> str:
    await dataset.ensure_database(url)
    dataset.migrate(url)
    conn = await asyncpg.connect(url)
    try:
        have = await conn.fetchval(
            "SELECT count(*) FROM invoices WHERE customer_number = $1", dataset.BIG_CUSTOMER
        )
        if have == BIG:
            return f"reused ({have:,} invoices)"
        started = time.perf_counter()
        await conn.execute("TRUNCATE invoices RESTART IDENTITY CASCADE")
        await conn.execute("TRUNCATE invoice_counts")
        today = datetime.now(UTC).date()
        names = dataset.columns()
        for start in range(0, BIG, dataset.BATCH):
            batch = dataset.rows(start, min(start + dataset.BATCH, BIG), dataset.INVOICES, today)
            await conn.copy_records_to_table("invoices", records=batch, columns=names)
        await conn.execute(dataset.FILL_COUNTS)
        await conn.execute("VACUUM (ANALYZE) invoices")
        return f"built {BIG:,} invoices in {time.perf_counter() - started:.0f} s"
    finally:
        await conn.close()


async def session(url: str) -> str:
    """A partner granted the big customer, a portal user, and the cookie of a new session."""
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        now = datetime.now(UTC)
        partner = await partners.create_partner(
            engine, PartnerCreate(name="bench portal", customer_numbers=[dataset.BIG_CUSTOMER])
        )
        email = f"bench{int(time.time())}@bench.example"
        invite = await accounts.invite(engine, "portal", email, partner, now)
        password = "bench portal password"  # noqa: S105 - a bench-only user
        await accounts.accept_invitation(engine, invite.token, password, now)
        signed = await accounts.sign_in(engine, "portal", email, password, now)
        return cookie_value(session_key(SECRET), "portal", signed.token)
    finally:
        await engine.dispose()


async def cursors(url: str) -> list[str]:
    """Keyset cursors (after_date, after) at depths over the whole list."""
    conn = await asyncpg.connect(url)
    try:
        found = []
        for depth in range(1_000, BIG, 9_900):
            row = await conn.fetchrow(
                "SELECT invoice_date, invoice_number FROM invoices WHERE environment = "
                "'production' AND customer_number = $1 ORDER BY invoice_date DESC NULLS LAST, "
                "invoice_number DESC OFFSET $2 LIMIT 1",
                dataset.BIG_CUSTOMER,
                depth,
            )
            query = {"customer": dataset.BIG_CUSTOMER, "after": row["invoice_number"]}
            query["after_date"] = row["invoice_date"].isoformat()
            found.append("/portal/invoices?" + urlencode(query))
        return found
    finally:
        await conn.close()


def median(runs: list[Run], attr: str) -> float:
    return float(statistics.median(getattr(r, attr) for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=URL)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    print("dataset:", built := asyncio.run(load(args.url)), flush=True)
    cookie = asyncio.run(session(args.url))
    deep = asyncio.run(cursors(args.url))
    env = {"INVOICEPORT_DATABASE_URL": args.url, "INVOICEPORT_SESSION_SECRET": SECRET}
    base, floor_base = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{FLOOR_PORT}"
    floor_argv = uvicorn_argv(["--app-dir", str(ROOT / "bench"), "floor_app:app"], FLOOR_PORT)
    invoiceport = str(ROOT / ".venv" / "bin" / "invoiceport")
    app_argv = [invoiceport, "serve", "--port", str(PORT), "--workers", "2", "--no-access-log"]
    floors = Server(floor_argv, env, floor_base + "/")
    server = Server(app_argv, env, base + "/healthz")
    results: dict[str, tuple[list[Run], list[Run]]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            floor_script = Path(tmp) / "floor.lua"
            floor_script.write_text(lua_script([f"/page/customer/{dataset.BIG_CUSTOMER}/20"], {}))
            scenarios = {
                "first page": [f"/portal/invoices?customer={dataset.BIG_CUSTOMER}"],
                "keyset pages 1,000 to 199,000 deep": deep,
            }
            for name, paths in scenarios.items():
                script = Path(tmp) / "portal.lua"
                script.write_text(lua_script(paths, {"Cookie": f"invoiceport_portal={cookie}"}))
                wrk(script, 2, args.connections, server.pid, base)  # warm-up
                mine, floor = [], []
                for _ in range(args.runs):
                    floor.append(
                        wrk(floor_script, args.duration, args.connections, floors.pid, floor_base)[
                            0
                        ]
                    )
                    run, _ = wrk(script, args.duration, args.connections, server.pid, base)
                    mine.append(run)
                results[name] = (mine, floor)
    finally:
        server.stop()
        floors.stop()
    lines = [
        "# Portal invoice list, 200,000-invoice customer",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; dataset {built}; {args.runs} x "
        f"{args.duration:g} s, {args.connections} connections; each run after a run of the "
        "page floor. A shared machine: figures are noisy.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | floor req/s | ratio (target 0.25x) | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, (mine, floor) in results.items():
        ratio = median(mine, "rps") / median(floor, "rps")
        lines.append(
            f"| {name} | {median(mine, 'rps'):,.0f} | {median(mine, 'p50_ms'):.1f} | "
            f"{median(mine, 'p99_ms'):.1f} | {median(floor, 'rps'):,.0f} | {ratio:.2f}x | "
            f"{sum(r.errors for r in mine)} |"
        )
    report = "\n".join(lines) + "\n"
    out = ROOT / "bench" / "results" / "portal.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
