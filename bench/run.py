"""`make bench`: load invoiceport with wrk at one million invoices, beside a floor and Prism.

    .venv/bin/python bench/run.py [--rebuild] [--runs 3] [--duration 10] [--connections 16]

Steps (bench/README.md): the dataset (bench/dataset.py, reused when present), a fresh demo
partner with an API key and an OAuth client, then for each scenario a warm-up and `--runs` wrk runs
of `--duration` seconds against `invoiceport serve --workers 2 --no-access-log` (PostgreSQL), the
raw ASGI floor (bench/floor_app.py) under the same uvicorn settings, and Prism serving the seed
OpenAPI. Then `invoiceport import` against a raw COPY of the same documents, and bench_pdf.py.
The Markdown report goes to bench/results/<date>.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dataset

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SEED_SPEC = ROOT / "tests" / "contracts" / "scansource-invoice-openapi.yml"
PRISM = "@stoplight/prism-cli@5.14.2"
# Prism at its fastest: request logging at "warn" (its default "info" logs every request).
PRISM_MOCK = ["npx", "--yes", PRISM, "mock", "--verboseLevel", "warn"]
PORT = 8871
IMPORT_DOCS = 50_000
# More invoices than the render cache holds (INVOICEPORT_RENDER_CACHE_SIZE, 5,000), in rotation:
# every request renders, as the first read of each invoice does.
COLD = 100_000
# Ingram's default limit (60 per 60 s, the seed's) would throttle the benchmark: off, as reported.
SERVER_ENV = {"INVOICEPORT_RATE_LIMITS": '{"ingram": "off"}', "INVOICEPORT_LOG_LEVEL": "WARNING"}
TARGETS_NOTE = "issue 8"


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Scenario:
    name: str
    target: str  # "app", "floor" or "prism"
    paths: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)


def ensure_tools() -> None:
    """wrk from Debian when missing (we run as root on the bench machines)."""
    if shutil.which("wrk") is None:
        print("installing wrk (apt-get install -y wrk)", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)


def lua_script(paths: list[str], headers: dict[str, str]) -> str:
    """A wrk script rotating over the paths (each thread starting at its own offset)."""
    quoted = ",\n".join(json.dumps(p) for p in paths)
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
    )
    return f"""
local paths = {{
{quoted}
}}
{header_lines}
i = 0
local counter = 0
function setup(thread)
  thread:set("i", counter * 7919)
  counter = counter + 1
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Run(rps, percentile("50"), percentile("99"), errors)


def worker_pids(master: int) -> list[int]:
    """The server's worker processes: children of the master (uvicorn) or the master (Prism)."""
    try:
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    found = [int(k) for k in kids]
    # uvicorn --workers: master -> (multiprocessing resource tracker?) -> workers; keep the ones
    # that are Python processes serving (those with the largest RSS, all of them reported).
    return found or [master]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wrk(url: str, script: Path, duration: int, connections: int, master: int) -> tuple[Run, float]:
    """One wrk run; samples the workers' RSS every half second and keeps the largest."""
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.5):
            for pid in worker_pids(master):
                peak = max(peak, rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stop.set()
    sampler.join()
    return parse_wrk(out), peak


def wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Server:
    def __init__(self, argv: list[str], env: dict[str, str], ready: str) -> None:
        self.proc = subprocess.Popen(
            argv,
            env={**os.environ, **env},
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(ready)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


async def setup_partner(url: str) -> tuple[str, str, str]:
    """A fresh partner granted every bench customer; its API key and OAuth client."""
    from invoiceport.db import create_engine
    from invoiceport.partners import service
    from invoiceport.partners.schemas import ALL_SCOPES, PartnerCreate
    from invoiceport.settings import Settings

    engine = create_engine(Settings(database_url=url))
    try:
        numbers = [dataset.customer(n) for n in range(dataset.CUSTOMERS)]
        partner = await service.create_partner(
            engine,
            PartnerCreate(
                name=f"bench {datetime.now(UTC):%Y-%m-%d %H:%M:%S}", customer_numbers=numbers
            ),
        )
        key = await service.issue_api_key(engine, partner)
        client = await service.issue_oauth_client(engine, partner, list(ALL_SCOPES))
    finally:
        await engine.dispose()
    # What autovacuum would do within a minute or two of these inserts on a running system: the
    # new grant rows become visible to index-only scans, and the planner knows the tables' sizes.
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM (ANALYZE) partners, partner_customers, api_keys, oauth_clients")
    finally:
        await conn.close()
    return key.key, client.client_id, client.client_secret


def token(base: str, client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        form["scope"] = scope
    request = urllib.request.Request(  # noqa: S310
        f"{base}/oauth/oauth30/token", data=urllib.parse.urlencode(form).encode()
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return str(json.load(response)["access_token"])


def sample_numbers(n: int, total: int) -> list[tuple[str, str]]:
    """(customer, invoice number) pairs spread over the whole table."""
    step = total // n
    return [
        (dataset.customer_of(i, total), dataset.invoice_number(i)) for i in range(7, total, step)
    ]


def scenarios(key: str, total: int) -> list[Scenario]:
    sample = sample_numbers(2000, total)
    big = dataset.BIG_CUSTOMER
    big_count = total // 5
    last_page = (big_count + 99) // 100
    sub = {"Ocp-Apim-Subscription-Key": key}
    detail = [f"/api/invoice/detail/{c}/{n}" for c, n in sample]
    pos = [dataset.po_number(i) for i in range(0, big_count, max(1, big_count // 500))]
    return [
        Scenario(
            "floor: raw ASGI + asyncpg detail", "floor", [f"/detail/{c}/{n}" for c, n in sample]
        ),
        Scenario(
            "Prism mock: seed detail", "prism", [f"/invoice/detail/{c}/{n}" for c, n in sample], sub
        ),
        Scenario("ScanSource detail", "app", detail, sub),
        Scenario(
            f"ScanSource detail, render cache cold ({COLD:,} invoices)",
            "app",
            [f"/api/invoice/detail/{c}/{n}" for c, n in sample_numbers(COLD, total)],
            sub,
        ),
        Scenario(
            "ScanSource summary page 1 (200k customer)",
            "app",
            [f"/api/invoice/summary/{big}?page=1&pageSize=100"],
            sub,
        ),
        Scenario(
            f"ScanSource summary last page ({last_page}, 200k customer)",
            "app",
            [f"/api/invoice/summary/{big}?page={last_page}&pageSize=100"],
            sub,
        ),
        Scenario(
            "ScanSource summary filtered by poNumber (200k customer)",
            "app",
            [f"/api/invoice/summary/{big}?poNumber={p}" for p in pos],
            sub,
        ),
        Scenario(
            "Ingram v5 detail",
            "app",
            [f"/resellers/v5/invoices/{n}?customerNumber={c}&isoCountryCode=US" for c, n in sample],
        ),
        Scenario(
            "ABC Supply history page 1 (200k bill-to)",
            "app",
            [f"/api/invoice/v1/invoices/history/{big}?itemsPerPage=20&pageNumber=1"],
        ),
    ]


def measure(group: list[Scenario], base: str, master: int, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for sc in group:
            script = Path(tmp) / "s.lua"
            script.write_text(lua_script(sc.paths, sc.headers))
            wrk(base, script, 2, args.connections, master)  # warm-up
            for _ in range(args.runs):
                run, peak = wrk(base, script, args.duration, args.connections, master)
                sc.runs.append(run)
                sc.rss_mb.append(peak)
            print(
                f"  {sc.name}: {sc.median('rps'):,.0f} req/s, p50 {sc.median('p50_ms'):.2f} ms, "
                f"p99 {sc.median('p99_ms'):.2f} ms, errors {sum(r.errors for r in sc.runs)}",
                file=sys.stderr,
                flush=True,
            )


def uvicorn_argv(app: list[str]) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(PORT),
        "--workers",
        "2",
        "--no-access-log",
        "--log-level",
        "warning",
        "--no-server-header",
    ]


def run_http(
    args: argparse.Namespace, url: str, key: str, client: tuple[str, str]
) -> list[Scenario]:
    base = f"http://127.0.0.1:{PORT}"
    all_ = [s for s in scenarios(key, args.invoices) if not args.match or args.match in s.name]
    env = {"INVOICEPORT_DATABASE_URL": url, **SERVER_ENV}
    if any(s.target == "floor" for s in all_):
        _floor(all_, base, env, args)
    if any(s.target == "prism" for s in all_):
        _prism(all_, base, args)
    if any(s.target == "app" for s in all_):
        _app(all_, base, env, client, args)
    return all_


def _floor(all_: list[Scenario], base: str, env: dict[str, str], args: argparse.Namespace) -> None:
    print("floor", file=sys.stderr)
    floor = Server(
        uvicorn_argv(["--app-dir", str(ROOT / "bench"), "floor_app:app"]), env, base + "/"
    )
    try:
        measure([s for s in all_ if s.target == "floor"], base, floor.proc.pid, args)
    finally:
        floor.stop()


def _prism(all_: list[Scenario], base: str, args: argparse.Namespace) -> None:
    print("prism", file=sys.stderr)
    prism = Server(
        [*PRISM_MOCK, "-p", str(PORT), "-h", "127.0.0.1", str(SEED_SPEC)],
        {},
        base + "/invoice/detail/a/b",
    )
    try:
        measure([s for s in all_ if s.target == "prism"], base, prism.proc.pid, args)
    finally:
        prism.stop()


def _app(
    all_: list[Scenario],
    base: str,
    env: dict[str, str],
    client: tuple[str, str],
    args: argparse.Namespace,
) -> None:
    print("invoiceport serve --workers 2 --no-access-log", file=sys.stderr)
    app = Server(
        [
            str(BIN / "invoiceport"),
            "serve",
            "--port",
            str(PORT),
            "--workers",
            "2",
            "--no-access-log",
        ],
        env,
        base + "/healthz",
    )
    try:
        bearer = {"Authorization": f"Bearer {token(base, *client)}"}
        for sc in all_:
            if sc.target == "app" and not sc.headers:
                sc.headers = bearer
        measure([s for s in all_ if s.target == "app"], base, app.proc.pid, args)
    finally:
        app.stop()


async def fresh_database(url: str) -> None:
    server, _, name = url.rpartition("/")
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await dataset.migrate(url)


def import_vs_copy(url: str, count: int) -> dict[str, float]:
    """`invoiceport import` of `count` documents vs COPY of the same rows, each into a fresh DB."""
    server = url.rpartition("/")[0]
    target = f"{server}/invoiceport_bench_import"
    records = dataset.rows(0, count, count * 5, datetime.now(UTC).date())
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
        for record in records:
            f.write(record[dataset.COLUMNS.index("document")] + "\n")
        path = f.name
    try:
        asyncio.run(fresh_database(target))
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "invoiceport"), "--database", target, "import", path, "--no-progress"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        imported = time.perf_counter() - started
        asyncio.run(fresh_database(target))

        async def copy() -> float:
            conn = await asyncpg.connect(target)
            try:
                begun = time.perf_counter()
                await conn.copy_records_to_table(
                    "invoices", records=records, columns=dataset.COLUMNS
                )
                return time.perf_counter() - begun
            finally:
                await conn.close()

        copied = asyncio.run(copy())
    finally:
        os.unlink(path)
    return {"import_s": imported, "copy_s": copied, "count": count}


def pdf_bench() -> str:
    out = subprocess.run(
        [str(BIN / "python"), str(ROOT / "bench" / "bench_pdf.py"), "--count", "300"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return out.stdout.strip()


def versions() -> dict[str, str]:
    def cmd(argv: list[str]) -> str:
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    import uvicorn

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return {
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.platform()}",
        "Python": platform.python_version(),
        "PostgreSQL": cmd(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"]
        ),
        "uvicorn": uvicorn.__version__,
        "wrk": cmd(["wrk", "--version"]).split(" [")[0],
        "Prism": cmd(["npx", "--yes", PRISM, "--version"]),
    }


def verdict(ok: bool, text: str) -> str:
    return f"{'met' if ok else 'MISSED'}: {text}"


def report(
    args: argparse.Namespace,
    built: str,
    results: list[Scenario],
    imp: dict[str, float],
    pdf: str,
    info: dict[str, str],
) -> str:
    by = {s.name.split(" (")[0].split(":")[0]: s for s in results}
    floor = results[0]
    prism = results[1]
    detail = by["ScanSource detail"]
    first = by["ScanSource summary page 1"]
    last = next(s for s in results if s.name.startswith("ScanSource summary last page"))
    filtered = by["ScanSource summary filtered by poNumber"]
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "Produced by `make bench` (bench/run.py); see bench/README.md.",
        "",
        "## Machine and versions",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Setup",
        "",
        f"- Dataset: {args.invoices:,} invoices (3 lines each), 1,000 customers,"
        f" `{dataset.BIG_CUSTOMER}` holding {args.invoices // 5:,}; {built}.",
        f"- wrk: 2 threads, {args.connections} connections, {args.duration} s a run after a 2 s"
        f" warm-up, median of {args.runs} runs; URLs rotate over {len(detail.paths)} invoices"
        " where a scenario has several.",
        "- invoiceport: `invoiceport serve --workers 2 --no-access-log` on PostgreSQL,"
        ' `INVOICEPORT_LOG_LEVEL=WARNING`, and `INVOICEPORT_RATE_LIMITS=\'{"ingram": "off"}\'`:'
        " Ingram's default limit (60 requests per 60 s, the seed's) would otherwise throttle"
        " the benchmark to 1 request/s. No other limit applies by default.",
        "- Floor: bench/floor_app.py, raw ASGI + asyncpg, same uvicorn settings"
        " (2 workers, no access log).",
        "- Prism: `prism mock --verboseLevel warn` of the seed OpenAPI (one Node process),"
        " detail route.",
        "- RSS: the largest VmRSS of any server worker process, sampled every 0.5 s"
        " during the runs.",
        "",
        "## HTTP results (medians)",
        "",
        "| scenario | req/s | p50 ms | p99 ms | x floor (req/s) | max RSS MB | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results:
        lines.append(
            f"| {s.name} | {s.median('rps'):,.0f} | {s.median('p50_ms'):.2f} | "
            f"{s.median('p99_ms'):.2f} | "
            f"{s.median('rps') / floor.median('rps'):.2f} | {max(s.rss_mb):.0f} | "
            f"{sum(r.errors for r in s.runs)} |"
        )
    lines += ["", "Every run (req/s, p50 ms, p99 ms):", ""]
    for s in results:
        runs = "; ".join(f"{r.rps:,.0f}, {r.p50_ms:.2f}, {r.p99_ms:.2f}" for r in s.runs)
        lines.append(f"- {s.name}: {runs}")
    rate_import = imp["count"] / imp["import_s"]
    rate_copy = imp["count"] / imp["copy_s"]
    lines += [
        "",
        "## Import",
        "",
        f"- `invoiceport import` of {int(imp['count']):,} NDJSON documents into a fresh database:"
        f" {imp['import_s']:.1f} s ({rate_import:,.0f} documents/s, process start included).",
        f"- asyncpg COPY of the same rows (stored form precomputed) into a fresh database:"
        f" {imp['copy_s']:.1f} s ({rate_copy:,.0f} rows/s).",
        f"- Ratio: {rate_import / rate_copy:.2f}x.",
        "",
        "## PDF (bench/bench_pdf.py --count 300)",
        "",
        "```",
        pdf,
        "```",
        "",
        "## Targets (issue 8)",
        "",
    ]
    ratio = detail.median("rps") / floor.median("rps")
    lines.append("- " + verdict(ratio >= 0.7, f"detail {ratio:.2f}x the floor (target >= 0.7x)"))
    r = last.median("p99_ms") / first.median("p99_ms")
    lines.append("- " + verdict(r <= 2, f"last-page p99 {r:.2f}x the first page's (target <= 2x)"))
    r = filtered.median("p99_ms") / first.median("p99_ms")
    lines.append("- " + verdict(r <= 2, f"filtered p99 {r:.2f}x the first page's (target <= 2x)"))
    r = rate_import / rate_copy
    lines.append("- " + verdict(r >= 0.5, f"import {r:.2f}x a raw COPY (target >= 0.5x)"))
    peak = max(max(s.rss_mb) for s in results if s.target == "app")
    lines.append(
        "- "
        + verdict(peak <= 300, f"server RSS under load {peak:.0f} MB per process (target <= 300)")
    )
    r = detail.median("rps") / prism.median("rps")
    lines.append("- " + verdict(r >= 1.0, f"detail {r:.2f}x Prism (target >= 1.0x)"))
    return "\n".join(lines) + "\n"


def partial(args: argparse.Namespace) -> None:
    """One step on its own, for working on it: figures on stdout, no report file."""
    if args.only == "http":
        asyncio.run(dataset.build(args.url, args.invoices))
        key, client_id, secret = asyncio.run(setup_partner(args.url))
        for s in run_http(args, args.url, key, (client_id, secret)):
            print(
                f"{s.name}: {s.median('rps'):,.0f} req/s, p50 {s.median('p50_ms'):.2f} ms,"
                f" p99 {s.median('p99_ms'):.2f} ms, RSS {max(s.rss_mb):.0f} MB,"
                f" non-2xx {sum(r.errors for r in s.runs)}"
            )
    elif args.only == "import":
        imp = import_vs_copy(args.url, args.import_docs)
        ratio = imp["copy_s"] / imp["import_s"]
        print(
            f"import {imp['import_s']:.2f} s, COPY {imp['copy_s']:.2f} s for"
            f" {int(imp['count']):,} documents: {ratio:.2f}x"
        )
    else:
        print(pdf_bench())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=dataset.DEFAULT_URL)
    parser.add_argument("--invoices", type=int, default=dataset.INVOICES)
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the dataset even if present"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--import-docs", type=int, default=IMPORT_DOCS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--only",
        choices=["http", "import", "pdf"],
        help="run one step and print its figures (no report is written)",
    )
    parser.add_argument(
        "--match", default="", help="with --only http: the scenarios whose name contains this"
    )
    args = parser.parse_args()
    ensure_tools()
    if args.only:
        partial(args)
        return
    print("dataset", file=sys.stderr)
    built = asyncio.run(dataset.build(args.url, args.invoices, rebuild=args.rebuild))
    print(f"  {built}", file=sys.stderr)
    key, client_id, secret = asyncio.run(setup_partner(args.url))
    results = run_http(args, args.url, key, (client_id, secret))
    print("import vs COPY", file=sys.stderr)
    imp = import_vs_copy(args.url, args.import_docs)
    print(f"  {imp}", file=sys.stderr)
    print("pdf", file=sys.stderr)
    pdf = pdf_bench()
    text = report(args, built, results, imp, pdf, versions())
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{datetime.now(UTC):%Y-%m-%d}.md"
    path.write_text(text)
    print(text)
    print(f"report: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
