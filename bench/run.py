"""`make bench`: load invoiceport with wrk at one million invoices, beside its floors and Prism.

    .venv/bin/python bench/run.py [--quick] [--profile] [--rebuild] [--runs 3] [--duration 10]

Steps (bench/README.md): the dataset (bench/dataset.py, reused when present), a fresh partner
with an API key and an OAuth client, then for each scenario (bench/scenarios.py) a warm-up and
`--runs` wrk runs of `--duration` seconds against the floors (bench/floor_app.py), Prism serving
the seed OpenAPI, and `invoiceport serve --workers 2 --no-access-log` (PostgreSQL); then
`invoiceport import` against a raw COPY of the same rows, and bench_pdf.py. With `--profile`,
each missed ratio target is run once more under py-spy (bench/profiling.py). The Markdown report
(bench/report.py) goes to bench/results/<date>.md (<date>-quick.md with --quick).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from invoiceport.oauth.tokens import issue_token
from invoiceport.platform import db
from invoiceport.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset
import floor_app
import profiling
import report
from importing import import_vs_copy
from load import (
    BASE,
    BIN,
    FLOOR_BASE,
    FLOOR_PORT,
    PORT,
    PRISM,
    ROOT,
    SERVER_ENV,
    Server,
    busiest_worker,
    get,
    lua_script,
    uvicorn_argv,
    wrk,
)
from machine import load_average, versions
from scenarios import ABC_SCOPE, FEED_EVENTS, Scenario, scenarios

SEED_SPEC = ROOT / "tests" / "contracts" / "scansource-invoice-openapi.yml"
# Prism at its fastest: request logging at "warn" (its default "info" logs every request).
PRISM_MOCK = ["npx", "--yes", PRISM, "mock", "--verboseLevel", "warn"]
IMPORT_DOCS = 50_000


def ensure_tools() -> None:
    """wrk from Debian when missing (we run as root on the bench machines)."""
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get install -y wrk)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cli(url: str, *argv: str) -> str:
    """`invoiceport --database url ...`, its output: the CLI, not the package's modules, so that
    the bench runs against the code before and after a reorganisation."""
    command = [str(BIN / "invoiceport"), "--database", url, *argv]
    env = {**os.environ, "COLUMNS": "500"}  # one line per answer, however long
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


def printed(output: str, name: str) -> str:
    """The value of `name=value` in the CLI's output."""
    match = re.search(rf"\b{name}=(\S+)", output)
    if match is None:
        raise SystemExit(f"no {name}= in the CLI's answer: {output!r}")
    return str(match.group(1))


def setup_partner(url: str) -> tuple[str, str, str]:
    """A fresh partner granted every bench customer; its API key and OAuth client (all scopes)."""
    grants = [arg for n in range(dataset.CUSTOMERS) for arg in ("--customer", dataset.customer(n))]
    name = f"bench {datetime.now(UTC):%Y-%m-%d %H:%M:%S}"
    partner = cli(url, "partner", "create", name, *grants).split()[-1]
    key = printed(cli(url, "partner", "add-key", partner), "key")
    ensure_events(url)
    client = cli(url, "partner", "add-client", partner)

    # What autovacuum would do within a minute or two of these inserts on a running system: the
    # new grant rows become visible to index-only scans, and the planner knows the tables' sizes.
    async def vacuum() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("VACUUM (ANALYZE)")
        finally:
            await conn.close()

    asyncio.run(vacuum())
    return key, printed(client, "client_id"), printed(client, "client_secret")


def ensure_events(url: str, wanted: int = FEED_EVENTS) -> None:
    """The change feed's scenario reads outbox events, which the COPY-built dataset has none of:
    `wanted` events of the big customer's first invoices, added once (the bench database only)."""

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            have = await conn.fetchval("SELECT count(*) FROM webhook_events")
            if have >= wanted:
                return
            await conn.execute(
                "INSERT INTO webhook_events (message_id, event_type, environment,"
                " customer_number, bill_to_account, invoice_number, version, payload, created_at)"
                " SELECT 'msg_bench_' || id, 'invoice.created', environment, customer_number,"
                " bill_to_account, invoice_number, version, '{}', now() FROM invoices"
                " WHERE environment = 'production' AND customer_number = $1 ORDER BY id LIMIT $2"
                # a small dataset's customer holds fewer: the next run adds none twice
                " ON CONFLICT (message_id) DO NOTHING",
                dataset.BIG_CUSTOMER,
                wanted - have,
            )
        finally:
            await conn.close()

    asyncio.run(run())


def token(client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        form["scope"] = scope
    request = urllib.request.Request(  # noqa: S310
        f"{BASE}/oauth/oauth30/token", data=urllib.parse.urlencode(form).encode()
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return str(json.load(response)["access_token"])


def direct_token(url: str, client: tuple[str, str]) -> str:
    """A token of the client's default scopes from invoiceport's token service
    (`oauth.tokens.issue_token`, what its token routes run), for the floor app's bearer rung,
    which is measured before the server is up."""

    async def issue() -> str:
        engine = db.create_engine(Settings(database_url=url))
        try:
            now = datetime.now(UTC)
            issued = await issue_token(engine, *client, None, lifetime_seconds=3600, now=now)
        finally:
            await engine.dispose()
        return issued.access_token

    return asyncio.run(issue())


def credentials(key: str, token_of: Callable[[str | None], str]) -> dict[str, dict[str, str]]:
    """The headers of each kind of credential a scenario names (`Scenario.credential`), given
    the partner's API key and a way to get a token of the client for a scope (None: its
    default scopes). bench/cpu.py uses the same."""
    bearer = {"Authorization": f"Bearer {token_of(None)}"}
    api_key = {"Ocp-Apim-Subscription-Key": key}
    return {
        "api_key": api_key,
        "token": bearer,
        "abc_token": {"Authorization": f"Bearer {token_of(ABC_SCOPE)}"},
        "abc_live_token": {"Authorization": f"Bearer {token_of('invoice.read')}"},
        "key_and_token": {**api_key, **bearer},
    }


@dataclass
class Paired:
    """The floor a scenario's runs alternate with: its scenario and the floor server's pid."""

    floor: Scenario
    master: int


def paired_of(sc: Scenario, by_key: dict[str, Scenario], master: int) -> Paired | None:
    """The floor a scenario alternates with: a target's, or a rung's (`alternate`)."""
    floor = by_key.get(sc.floor) if sc.at_least is not None or sc.alternate else None
    return None if floor is None else Paired(floor, master)


def measure(
    sc: Scenario, master: int, args: argparse.Namespace, script: Path, paired: Paired | None
) -> None:
    """Warm-up, then `--runs` runs; with `paired`, each run follows a run of the floor, so that
    the ratio is to the floor as the machine was at that moment."""
    script.write_text(lua_script(sc.paths, sc.headers))
    floor_script = script.with_name("floor.lua")
    if paired is not None:
        floor_script.write_text(lua_script(paired.floor.paths, paired.floor.headers))
        wrk(floor_script, args.warmup, args.connections, paired.master, FLOOR_BASE)
    base = FLOOR_BASE if sc.server == "floor" else BASE
    wrk(script, args.warmup, args.connections, master, base)
    opened = sessions_opened(args.url)
    for _ in range(args.runs):
        if paired is not None:
            floor_run, _ = wrk(
                floor_script, args.duration, args.connections, paired.master, FLOOR_BASE
            )
            sc.floor_runs.append(floor_run)
        run, peak = wrk(script, args.duration, args.connections, master, base)
        sc.runs.append(run)
        sc.rss_mb.append(peak)
    sc.sessions = opened()
    log(
        f"  {sc.name}: {sc.median('rps'):,.0f} req/s, p50 {sc.median('p50_ms'):.2f} ms,"
        f" p99 {sc.median('p99_ms'):.2f} ms, errors {sc.errors}, new DB sessions {sc.sessions}"
    )


def sessions_opened(url: str) -> Callable[[], int]:
    """From now, how many sessions PostgreSQL counted for the dataset's database (a server
    that keeps its pool opens none under steady load; one that churns opens hundreds)."""

    async def count() -> int:
        conn = await asyncpg.connect(url)
        try:
            found = await conn.fetchval(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            )
            return int(found or 0)
        finally:
            await conn.close()

    start = asyncio.run(count())
    return lambda: asyncio.run(count()) - start - 1  # the count's own first session


def profile_run(sc: Scenario, master: int, args: argparse.Namespace, script: Path) -> None:
    """One more run of a missed scenario with py-spy on the busiest worker (not in the figures)."""
    out = args.out / "profiles" / f"{args.stamp}-{sc.key}.speedscope.json"
    log(f"  profiling {sc.name} (py-spy, {args.duration} s)")
    spy = profiling.attach(busiest_worker(master), args.duration, out)
    time.sleep(0.5)  # attached before the load starts
    wrk(script, args.duration, args.connections, master)
    _, stderr = spy.communicate(timeout=args.duration + 60)
    if spy.returncode == 0 and out.exists():
        sc.profile = profiling.read(out, args.duration)
    else:
        sc.notes.append(f"py-spy failed: {stderr.decode(errors='replace').strip()[-300:]}")


def page_numbers(body: dict[str, object]) -> list[str]:
    """The invoice numbers of a page, in order: its one list of items (ScanSource `invoices`,
    ABC Supply `items`), each item's `invoiceNumber`."""
    items = next((v for v in body.values() if isinstance(v, list)), [])
    return [str(item.get("invoiceNumber")) for item in items if isinstance(item, dict)]


def check_answers(sc: Scenario, url: str) -> None:
    """The scenario's first URL answers 200 (or the figures would be of errors); a first page
    returns the very rows its page floor reads, in the same order."""
    status, body = get(sc.paths[0], sc.headers)
    if status != 200:
        raise SystemExit(f"{sc.name}: {sc.paths[0]} answered {status}: {body[:300]!r}")
    if not sc.rows_scope:
        return
    account = dataset.BIG_CUSTOMER
    server_rows = page_numbers(json.loads(body))

    async def floor_rows() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            from scenarios import PAGE_ROWS

            records = await conn.fetch(floor_app.PAGES[sc.rows_scope], account, PAGE_ROWS)
        finally:
            await conn.close()
        return [json.loads(r[0])["invoice_number"] for r in records]

    expected = asyncio.run(floor_rows())
    if server_rows == expected:
        sc.notes.append(f"returns the page floor's {len(expected)} rows, in its order")
    else:
        sc.notes.append(
            f"**rows differ from the page floor's** (server {server_rows[:3]}..., floor"
            f" {expected[:3]}...): the ratio compares different work"
        )


def check_rung(sc: Scenario, floor: Scenario) -> None:
    """A rung answers its first invoice with the very document the detail floor answers (or
    its figures would be of other work)."""
    status, body = get(sc.paths[0], sc.headers, FLOOR_BASE)
    expected = get(floor.paths[0], floor.headers, FLOOR_BASE)
    if (status, body) != expected:
        raise SystemExit(f"{sc.name}: {sc.paths[0]} answered {status}: {body[:300]!r}")
    sc.notes.append("answers the detail floor's document for the same invoice")


@dataclass
class HttpStep:
    """What every server's turn of the HTTP step needs."""

    args: argparse.Namespace
    env: dict[str, str]
    credentials: dict[str, dict[str, str]]
    client: tuple[str, str]
    script: Path
    floors: Server
    by_key: dict[str, Scenario]


def run_http(args: argparse.Namespace, key: str, client: tuple[str, str]) -> list[Scenario]:
    every = scenarios(args.invoices)
    picked = {s.key: s.floor for s in every if not args.match or args.match in s.name}
    # A ratio needs its floor: a scenario picked by --match brings its floor along.
    chosen = [s for s in every if s.key in picked or s.key in picked.values()]
    env = {"INVOICEPORT_DATABASE_URL": args.url, **SERVER_ENV}
    log("floors (bench/floor_app.py), up on a second port until the end of the HTTP step")
    argv = uvicorn_argv(["--app-dir", str(ROOT / "bench"), "floor_app:app"], FLOOR_PORT)
    floors = Server(argv, env, FLOOR_BASE + "/")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            credentials = {"api_key": {"Ocp-Apim-Subscription-Key": key}}
            if any(s.server == "floor" and s.credential == "token" for s in chosen):
                bearer = f"Bearer {direct_token(args.url, client)}"
                credentials["token"] = {"Authorization": bearer}
            by_key = {s.key: s for s in chosen}
            step = HttpStep(args, env, credentials, client, Path(tmp) / "s.lua", floors, by_key)
            for sc in (s for s in chosen if s.server == "floor"):
                sc.headers = {**credentials.get(sc.credential, {}), **sc.headers}
                paired = paired_of(sc, by_key, floors.pid)
                if paired is not None:
                    check_rung(sc, paired.floor)
                measure(sc, floors.pid, args, step.script, paired)
            for server in ("prism", "app"):
                group = [s for s in chosen if s.server == server]
                if group:
                    _serve(step, server, group)
    finally:
        floors.stop()
    return chosen


def _start(server: str, env: dict[str, str]) -> Server:
    if server == "prism":
        log("prism")
        return Server(
            [*PRISM_MOCK, "-p", str(PORT), "-h", "127.0.0.1", str(SEED_SPEC)],
            {},
            BASE + "/invoice/detail/a/b",
        )
    log("invoiceport serve --workers 2 --no-access-log")
    argv = [str(BIN / "invoiceport"), "serve", "--port", str(PORT), "--workers", "2"]
    return Server([*argv, "--no-access-log"], env, BASE + "/healthz")


def _serve(step: HttpStep, server: str, group: list[Scenario]) -> None:
    process = _start(server, step.env)
    args = step.args
    try:
        if server == "app":
            key = step.credentials["api_key"]["Ocp-Apim-Subscription-Key"]
            step.credentials.update(credentials(key, lambda scope: token(*step.client, scope)))
        for sc in group:
            sc.headers = {**step.credentials.get(sc.credential, {}), **sc.headers}
            if server == "app":
                check_answers(sc, args.url)
            # A target's ratio is to runs of its floor alternated with its own.
            paired = paired_of(sc, step.by_key, step.floors.pid)
            measure(sc, process.pid, args, step.script, paired)
            if args.profile and report.missed(sc, step.by_key):
                profile_run(sc, process.pid, args, step.script)
    finally:
        process.stop()


def pdf_bench() -> str:
    out = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "bench_pdf.py"), "--count", "300"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return out.stdout.strip()


def einvoice_bench() -> str:
    """Validated e-invoice exports per second per core (bench_einvoice.py, issue 16)."""
    out = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "bench_einvoice.py"), "--count", "200"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return out.stdout.strip() or out.stderr.strip()[-2000:]


def portal_bench(args: argparse.Namespace) -> str:
    """The portal's invoice list of the big customer against the page floor (bench_portal.py,
    issue 17), on the same database; it also writes bench/results/portal.md."""
    runs = ["--runs", "1", "--duration", "5"] if args.quick else ["--runs", str(args.runs)]
    out = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "bench_portal.py"), "--url", args.url, *runs],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        return "# Portal invoice list: the step failed\n\n```\n" + out.stderr[-2000:] + "\n```"
    text = out.stdout
    return text[text.index("# Portal") :] if "# Portal" in text else text


def partial(args: argparse.Namespace) -> None:
    """One step on its own, for working on it: figures on stdout, no report file."""
    if args.only == "http":
        asyncio.run(dataset.build(args.url, args.invoices))
        key, client_id, secret = setup_partner(args.url)
        results = run_http(args, key, (client_id, secret))
        by_key = {s.key: s for s in results}
        for s in results:
            ratio = report.ratio_of(s, by_key)
            alternated = f", {s.floor_median():,.0f} alternated" if s.floor_runs else ""
            print(
                f"{s.name}: {s.median('rps'):,.0f} req/s"
                + ("" if ratio is None else f" ({ratio:.2f}x its floor{alternated})")
                + f", p50 {s.median('p50_ms'):.2f} ms, p99 {s.median('p99_ms'):.2f} ms,"
                f" RSS {max(s.rss_mb):.0f} MB, errors {s.errors}"
            )
            for note in s.notes:
                print(f"  {note}")
            if s.profile:
                print("\n".join(profiling.table(s.profile)))
    elif args.only == "import":
        # The documents come from the dataset: built first (`--invoices` of them) when --url has
        # fewer than --import-docs; --invoices 250000 gives the same first 50,000 documents as
        # the full dataset (all of the big customer) in a fifth of the time.
        asyncio.run(ensure_import_source(args))
        imp = import_vs_copy(args)
        print(
            f"import {imp.import_s:.2f} s, COPY {imp.copy_s:.2f} s for"
            f" {imp.count:,} documents: {imp.ratio:.2f}x"
        )
        for line in imp.summary():
            print(line)
        if imp.profile:
            print("\n".join(profiling.table(imp.profile)))
    elif args.only == "einvoice":
        print(einvoice_bench())
    elif args.only == "portal":
        print(portal_bench(args))
    else:
        print(pdf_bench())


async def ensure_import_source(args: argparse.Namespace) -> None:
    await dataset.ensure_database(args.url)
    dataset.migrate(args.url)
    if await dataset.count(args.url) < args.import_docs:
        log(f"dataset: {await dataset.build(args.url, args.invoices, rebuild=True)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default=dataset.DEFAULT_URL)
    parser.add_argument("--invoices", type=int, default=dataset.INVOICES)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dataset first")
    parser.add_argument(
        "--quick", action="store_true", help="1 run of 5 s a scenario (1 s warm-up): to iterate"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10, help="seconds a run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each missed ratio target once more under py-spy; top frames in the report",
    )
    parser.add_argument("--import-docs", type=int, default=IMPORT_DOCS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--only",
        choices=["http", "import", "pdf", "einvoice", "portal"],
        help="run one step and print its figures (no report is written)",
    )
    parser.add_argument(
        "--match",
        default="",
        help="with --only http: the scenarios whose name contains this (and their floors)",
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 5, 1
    args.stamp = f"{datetime.now(UTC):%Y-%m-%dT%H%M}"
    return args


def main() -> None:
    args = parse_args()
    ensure_tools()
    if args.profile:
        profiling.py_spy()  # fail now, not after the load, if it is missing
    if args.only:
        partial(args)
        return
    log("dataset")
    built = asyncio.run(dataset.build(args.url, args.invoices, rebuild=args.rebuild))
    log(f"  {built}")
    key, client_id, secret = setup_partner(args.url)
    load_before = load_average()
    results = run_http(args, key, (client_id, secret))
    load_after = load_average()
    log("import vs COPY")
    imp = import_vs_copy(args)
    log(f"  {imp.ratio:.2f}x ({imp.import_s:.1f} s against {imp.copy_s:.1f} s)")
    for line in imp.summary():
        log(f"  {line}")
    log("pdf")
    pdf = pdf_bench()
    log("e-invoices")
    einvoice = einvoice_bench()
    log("portal")
    portal = portal_bench(args)
    info = versions(args.url)
    info["load average (1, 5, 15 min) before / after the HTTP runs"] = (
        f"{load_before} / {load_after}"
    )
    text = report.render(args, built, results, imp, pdf, info, einvoice, portal)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(UTC):%Y-%m-%d}{'-quick' if args.quick else ''}.md"
    path.write_text(text)
    print(text)
    log(f"report: {path}")


if __name__ == "__main__":
    main()
