"""The Markdown report: each figure, its ratio, the target, met or missed, and the profiles."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import dataset
import profiling
from scenarios import DETAIL_TARGET, Profile, Scenario

RSS_TARGET_MB = 300
IMPORT_TARGET = 0.5


@dataclass
class Imported:
    count: int
    import_s: float
    copy_s: float
    profile: Profile | None = None
    # CPU seconds of the importer: its main process, and its worker processes (reaped children)
    main_cpu_s: float | None = None
    workers_cpu_s: float | None = None
    # CPU seconds of PostgreSQL's backends for the import, and for the COPY (None: not local)
    postgres_cpu_s: float | None = None
    copy_postgres_cpu_s: float | None = None
    # CPU a document of decoding, validating and rendering (bench/importing.py), and on how many
    prepare_us: float | None = None
    prepare_sample: int = 0

    @property
    def ratio(self) -> float:
        return self.copy_s / self.import_s

    def cpu_line(self) -> str:
        """CPU a document, in microseconds, of the importer's processes."""
        if self.main_cpu_s is None or self.workers_cpu_s is None:
            return ""
        main, workers = (1e6 * s / self.count for s in (self.main_cpu_s, self.workers_cpu_s))
        return (
            f"importer CPU a document: main process {main:.0f} us, workers {workers:.0f} us"
            f" (together {main + workers:.0f} us;"
            f" {self.main_cpu_s:.2f} s + {self.workers_cpu_s:.2f} s)"
        )

    def budget_line(self) -> str:
        """The target's wall-clock budget against the importer's own CPU spread perfectly over
        the machine's cores (PostgreSQL's CPU, which the COPY pays too, not counted)."""
        if self.main_cpu_s is None or self.workers_cpu_s is None:
            return ""
        cores = os.cpu_count() or 1
        cpu = self.main_cpu_s + self.workers_cpu_s
        line = (
            f"{IMPORT_TARGET}x of the COPY is {self.copy_s / IMPORT_TARGET:.1f} s; the importer's"
            f" own CPU ({cpu:.1f} s) spread perfectly over the {cores} cores takes"
            f" {cpu / cores:.1f} s, before PostgreSQL's share"
        )
        if self.postgres_cpu_s is None or self.copy_postgres_cpu_s is None:
            return line
        together = cpu + self.postgres_cpu_s
        return (
            f"{line}. PostgreSQL's CPU: {self.postgres_cpu_s:.1f} s for the import (rows, outbox"
            f" events, counts), {self.copy_postgres_cpu_s:.1f} s for the COPY; all of the"
            f" import's CPU ({together:.1f} s) over the {cores} cores takes"
            f" {together / cores:.1f} s"
        )

    def summary(self) -> list[str]:
        """The CPU, budget and least lines that could be computed, in that order."""
        return [line for line in (self.cpu_line(), self.budget_line(), self.least_line()) if line]

    def least_line(self) -> str:
        """The least the import's work can take: the documents' preparation and PostgreSQL's
        CPU, spread perfectly over the cores, with nothing else (no process start, no file
        check, no hand-over between processes, no feeding of the COPY)."""
        if self.prepare_us is None or self.postgres_cpu_s is None:
            return ""
        cores = os.cpu_count() or 1
        least = (self.count * self.prepare_us / 1e6 + self.postgres_cpu_s) / cores
        return (
            f"The least this work can take: decoding, validating and rendering the documents"
            f" ({self.prepare_us:.0f} us of CPU a document, timed on {self.prepare_sample:,} of"
            f" them) and PostgreSQL's CPU, over the {cores} cores, {least:.1f} s, where"
            f" {IMPORT_TARGET}x of the COPY allows {self.copy_s / IMPORT_TARGET:.1f} s; the"
            f" import took {self.import_s / least:.2f}x that"
        )


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def floor_rps(s: Scenario, by_key: dict[str, Scenario]) -> float | None:
    """Its floor's req/s: the runs alternated with its own if it has them, else the floor's."""
    if s.floor_runs:
        return s.floor_median()
    floor = by_key.get(s.floor)
    return floor.median("rps") if floor is not None and floor.runs else None


def ratio_of(s: Scenario, by_key: dict[str, Scenario]) -> float | None:
    floor = floor_rps(s, by_key)
    return None if floor is None or not s.runs else s.median("rps") / floor


def missed(s: Scenario, by_key: dict[str, Scenario]) -> bool:
    ratio = ratio_of(s, by_key)
    return s.at_least is not None and ratio is not None and ratio < s.at_least


def _target_rows(results: list[Scenario], imp: Imported | None) -> list[str]:
    by_key = {s.key: s for s in results}
    rows = [
        "| what | figure | compared with | ratio | target | result |",
        "|---|---:|---|---:|---:|---|",
    ]
    for s in results:
        ratio = ratio_of(s, by_key)
        if s.at_least is None or ratio is None:
            continue
        floor_name = by_key[s.floor].name.split(" (")[0] if s.floor in by_key else s.floor
        rows.append(
            f"| {s.name} | {s.median('rps'):,.0f} req/s | {floor_name}:"
            f" {floor_rps(s, by_key):,.0f} req/s | {ratio:.2f}x | >= {s.at_least}x |"
            f" {verdict(ratio >= s.at_least)} |"
        )
    if imp is not None:
        rows.append(
            f"| `invoiceport import`, {imp.count:,} documents | {imp.count / imp.import_s:,.0f}"
            f" documents/s | asyncpg COPY of the same rows: {imp.count / imp.copy_s:,.0f} rows/s"
            f" | {imp.ratio:.2f}x | >= {IMPORT_TARGET}x | {verdict(imp.ratio >= IMPORT_TARGET)} |"
        )
    app_rss = [max(s.rss_mb) for s in results if s.server == "app" and s.rss_mb]
    if app_rss:
        peak = max(app_rss)
        rows.append(
            f"| RSS of a server worker under load (largest) | {peak:.0f} MB | | |"
            f" <= {RSS_TARGET_MB} MB | {verdict(peak <= RSS_TARGET_MB)} |"
        )
    return rows


def _issue8_lines(results: list[Scenario]) -> list[str]:
    """The targets kept from issue 8 (p99 of deep and filtered pages; Prism)."""
    by_key = {s.key: s for s in results if s.runs}
    lines = []
    first = by_key.get("ss.summary.first")
    for key, what in (("ss.summary.last", "last-page"), ("ss.summary.po", "filtered")):
        if first and key in by_key:
            r = by_key[key].median("p99_ms") / first.median("p99_ms")
            lines.append(
                f"- {verdict(r <= 2)}: {what} p99 {r:.2f}x the first page's (target <= 2x)"
            )
    if "ss.detail" in by_key and "prism.detail" in by_key:
        r = by_key["ss.detail"].median("rps") / by_key["prism.detail"].median("rps")
        lines.append(f"- {verdict(r >= 1)}: JSON detail {r:.2f}x Prism (target >= 1.0x)")
    return lines


LADDER = ("floor.detail", "rung.statement", "rung.token", "rung.service", "ss.detail")


def _ladder_lines(results: list[Scenario]) -> list[str]:
    """Where a detail's requests go between the floor and the route: each rung's ratio to the
    detail floor, measured alternately with it (bench/floor_app.py)."""
    by_key = {s.key: s for s in results if s.runs}
    if not all(key in by_key for key in LADDER):
        return []
    lines = [
        "## Where a detail's time goes",
        "",
        "From the detail floor to the ScanSource JSON detail, each rung adding one part of what"
        " the route does (bench/floor_app.py): the read statement (the API key's digest, its"
        " grant, the invoice, its document only when its version changed; and the same for a"
        " bearer token, as the Ingram and ABC Supply routes authenticate), then the read"
        " service on the pool `invoiceport serve` uses, then the route itself (the dialect"
        " kit's dispatch and pipeline, rate limit, view, render cache, metrics, headers).",
        "",
        "| rung | req/s | x the detail floor |",
        "|---|---:|---:|",
    ]
    for key in LADDER:
        s = by_key[key]
        ratio = ratio_of(s, by_key)
        shown = "1.00x" if key == "floor.detail" else ("" if ratio is None else f"{ratio:.2f}x")
        lines.append(f"| {s.name} | {s.median('rps'):,.0f} | {shown} |")
    budget = detail_budget(by_key)
    return [*lines, "", *([budget, ""] if budget else [])]


def detail_budget(by_key: dict[str, Scenario]) -> str:
    """What the detail target leaves beyond rung 1, and what the route spends there, as costs
    of a request: a floor request costs 1, a route at ratio r costs 1/r (the machine's time a
    request, both cores, the load generator and PostgreSQL included)."""
    floor = by_key["floor.detail"].median("rps")
    rung, detail = (ratio_of(by_key[key], by_key) for key in ("rung.statement", "ss.detail"))
    if not floor or not rung or not detail:
        return ""
    statement, route = 1 / rung, 1 / detail
    target = 1 / DETAIL_TARGET
    unit = 1e6 / floor  # microseconds of the machine's time a floor request takes

    def cost(units: float) -> str:
        return f"{units:.2f} ({units * unit:.0f} us)"

    line = (
        f"Costs of a request, the floor's = 1 ({unit:.0f} us of this machine's time):"
        f" {DETAIL_TARGET}x allows {cost(target)}. The read statement alone on a bare asyncpg"
        f" pool (rung 1) costs {cost(statement)}, which leaves {cost(target - statement)} for"
        f" the pool, the dialect kit, the view and the answer; the ScanSource JSON detail spends"
        f" {cost(route - statement)} there."
    )
    token = by_key.get("rung.token")
    bearer = ratio_of(token, by_key) if token is not None and token.runs else None
    if bearer:
        line += (
            f" For a bearer token (the Ingram and ABC Supply routes) the statement alone costs"
            f" {cost(1 / bearer)}, which leaves {cost(target - 1 / bearer)}."
        )
    return line


def _http_lines(results: list[Scenario]) -> list[str]:
    by_key = {s.key: s for s in results}
    lines = [
        "| scenario | req/s | p50 ms | p99 ms | x its floor | max RSS MB | errors"
        " | new DB sessions |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results:
        if not s.runs:
            continue
        ratio = ratio_of(s, by_key)
        shown = "" if ratio is None else f"{ratio:.2f}"
        lines.append(
            f"| {s.name} | {s.median('rps'):,.0f} | {s.median('p50_ms'):.2f} |"
            f" {s.median('p99_ms'):.2f} | {shown} | {max(s.rss_mb):.0f} | {s.errors} |"
            f" {'' if s.sessions is None else s.sessions} |"
        )
    lines += ["", "Every run (req/s, p50 ms, p99 ms; [its floor's run just before]):", ""]
    for s in results:
        runs = "; ".join(
            f"{r.rps:,.0f}, {r.p50_ms:.2f}, {r.p99_ms:.2f}"
            + (f" [{s.floor_runs[i].rps:,.0f}]" if i < len(s.floor_runs) else "")
            for i, r in enumerate(s.runs)
        )
        lines.append(f"- {s.name}: {runs}")
    notes = [f"- {s.name}: {note}" for s in results for note in s.notes]
    if notes:
        lines += ["", "Checks:", "", *notes]
    return lines


def _profile_lines(
    args: argparse.Namespace, results: list[Scenario], imp: Imported | None
) -> list[str]:
    by_key = {s.key: s for s in results}
    misses = [s for s in results if missed(s, by_key)]
    import_missed = imp is not None and imp.ratio < IMPORT_TARGET
    if not misses and not import_missed:
        return ["Every ratio target met: nothing to profile."]
    if not args.profile:
        return ["Targets were missed; run with `--profile` to get the frames that explain them."]
    lines = [
        "py-spy on the busiest server worker during one more run of each missed scenario"
        f" ({args.duration} s, not counted in the figures above); self % is the share of"
        " samples in which that function was the one running, total % the share in which it"
        " was on the stack. A Python frame's self time includes the native code it calls:"
        " `Runner.run` is the event loop (uvloop, in C), asyncpg's `_do_execute` and"
        " `__do_execute` its Cython protocol (encoding, decoding) and the write of the query to"
        " PostgreSQL's socket, `RequestResponseCycle.send` uvicorn writing the answer; on"
        " loopback a socket write also does the kernel's receiving side, so these are large"
        " for the floors too. Blocking waits are left out (bench/profiling.py, `WAITS`).",
    ]
    for s in misses:
        lines += ["", f"### {s.name}", ""]
        lines += profiling.table(s.profile) if s.profile else ["(no profile: see the log)"]
    if import_missed and imp is not None:
        lines += ["", "### `invoiceport import`", "", "The import re-run under py-spy, its"
                  " worker processes included (`--subprocesses`).", ""]  # fmt: skip
        lines += profiling.table(imp.profile) if imp.profile else ["(no profile: see the log)"]
    return lines


def render(
    args: argparse.Namespace,
    built: str,
    results: list[Scenario],
    imp: Imported | None,
    pdf: str,
    info: dict[str, str],
    einvoice: str = "",
    portal: str = "",
) -> str:
    mode = "quick: " if args.quick else ""
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        + (" (quick run, indicative)" if args.quick else ""),
        "",
        f"Produced by `{' '.join(['bench/run.py', *sys.argv[1:]])}` (`make bench`);"
        " see bench/README.md and docs/performance.md.",
        "",
        "## Machine and versions",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Setup",
        "",
        f"- Dataset: {args.invoices:,} invoices (3 lines each), 1,000 customers,"
        f" `{dataset.BIG_CUSTOMER}` holding {args.invoices // 5:,}; {built}.",
        f"- wrk: 2 threads, {args.connections} connections, {mode}{args.duration} s a run after"
        f" a {args.warmup} s warm-up, median of {args.runs} run(s); detail URLs rotate over"
        " 2,000 invoices.",
        "- invoiceport: `invoiceport serve --workers 2 --no-access-log` on PostgreSQL,"
        ' `INVOICEPORT_LOG_LEVEL=WARNING`, `INVOICEPORT_RATE_LIMITS=\'{"ingram": "off"}\'`'
        " (Ingram's default, 60 requests per 60 s, would throttle the benchmark).",
        "- Floors: bench/floor_app.py, raw ASGI + asyncpg under the same uvicorn settings:"
        " the detail floor looks one stored document up by its key; the page floors read the"
        " 20 rows of a first page with the server's statement (newest first) and join them"
        " into one JSON array, without counting the matches. The floors stay up on a second"
        " port during the whole HTTP step, and each run of a scenario with a target is"
        " preceded by a run of its floor: its ratio is to those runs (a change in the"
        " machine's load falls on both). The floors' own rows are measured first, alone.",
        "- RSS: the largest VmRSS of any server worker, sampled every 0.5 s during the runs.",
        "- errors: non-2xx answers plus wrk's socket errors (connect, read, write, and"
        " timeouts: no answer within 2 s), over all runs.",
        "",
        "## Targets (issue 12, point 6)",
        "",
        *_target_rows(results, imp),
        "",
        "Kept from issue 8:",
        "",
        *_issue8_lines(results),
        "",
        *_ladder_lines(results),
        "## HTTP results (medians)",
        "",
        *_http_lines(results),
        "",
        "## Profiles of the missed targets",
        "",
        *_profile_lines(args, results, imp),
    ]
    if imp is not None:
        lines += [
            "",
            "## Import",
            "",
            f"- `invoiceport import` of {imp.count:,} NDJSON documents into a fresh database:"
            f" {imp.import_s:.1f} s (process start included).",
            f"- asyncpg COPY of the same rows (stored form precomputed) into a fresh database:"
            f" {imp.copy_s:.1f} s.",
        ]
        shaken = " (less shaken by other load than the wall clock)"
        for line in imp.summary():
            lines.append(f"- {line}{shaken if line == imp.cpu_line() else ''}.")
    if pdf:
        lines += ["", "## PDF (bench/bench_pdf.py --count 300)", "", "```", pdf, "```"]
    if einvoice:
        lines += [
            "",
            "## Validated e-invoices (bench/bench_einvoice.py --count 200)",
            "",
            "Per core: documents per second of the process's CPU time, every export validated"
            " against its XSD and rule sets. Targets: 150 UBL/s/core, 30 Factur-X/s/core.",
            "",
            "```",
            einvoice,
            "```",
        ]
    if portal:
        lines += ["", portal.replace("# Portal", "## Portal", 1).strip()]
    return "\n".join(lines) + "\n"
