"""Import against COPY: `invoiceport import` of stored documents into a fresh database, then an
asyncpg COPY of the very rows it stored into another; with --profile, the import again under
py-spy when it misses its target."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import dataset
import prepare_cost
import profiling
import report
from load import BIN
from scenarios import Profile

from invoiceport.dialects.abcsupply import register_webhook_payloads
from invoiceport.invoices import prepare

# Runs the `invoiceport` console script in this interpreter and, at exit, writes the CPU seconds of
# the process itself and of its reaped children (the import's worker processes) to a file.
RUSAGE_WRAPPER = """
import atexit, json, resource, runpy, sys
out, script = sys.argv[1], sys.argv[2]
def report():
    me, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    with open(out, "w") as f:
        json.dump([me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime], f)
atexit.register(report)
sys.argv = sys.argv[2:]
runpy.run_path(script, run_name="__main__")
"""


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def _recreate(url: str) -> None:
    server, _, name = url.rpartition("/")
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def fresh_database(url: str) -> None:
    asyncio.run(_recreate(url))
    dataset.migrate(url)


async def _documents(url: str, count: int) -> list[str]:
    """The first `count` stored documents of the dataset (all of the 200k customer), as NDJSON:
    canonical JSON, exactly what an import of them would store again."""
    conn = await asyncpg.connect(url)
    try:
        records = await conn.fetch("SELECT document FROM invoices ORDER BY id LIMIT $1", count)
    finally:
        await conn.close()
    return [record[0] for record in records]


async def _copy_rows(source: str, target: str) -> tuple[float, float | None]:
    """COPY the invoice rows that the import stored in `source` into `target` (fresh): the
    records are read first; the seconds returned are the COPY's alone, and PostgreSQL's CPU
    seconds for it."""
    conn = await asyncpg.connect(source)
    try:
        names = [
            r[0]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'invoices'"
                " AND column_name <> 'id' ORDER BY ordinal_position"
            )
        ]
        listed = ", ".join(f'"{n}"' for n in names)
        records = [tuple(r) for r in await conn.fetch(f"SELECT {listed} FROM invoices ORDER BY id")]
    finally:
        await conn.close()
    before = postgres_cpu_s()
    conn = await asyncpg.connect(target)
    try:
        begun = time.perf_counter()
        await conn.copy_records_to_table("invoices", records=records, columns=names)
        seconds = time.perf_counter() - begun
    finally:
        await conn.close()
    return seconds, _spent(before)  # its backend exited with the connection


def postgres_cpu_s() -> float | None:
    """CPU seconds of the local PostgreSQL's exited backends: the postmaster's children's time
    (Linux; None when there is no local server to read). A connection's backend counts once
    it has closed and been reaped (`_spent`)."""
    try:
        found = subprocess.run(["pgrep", "-o", "-x", "postgres"], capture_output=True, text=True)
        fields = Path(f"/proc/{int(found.stdout.split()[0])}/stat").read_text().rsplit(")", 1)
        cutime, cstime = (int(v) for v in fields[1].split()[13:15])
        return (cutime + cstime) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _spent(before: float | None) -> float | None:
    """PostgreSQL's CPU since `before`, once the backends of closed connections are reaped."""
    time.sleep(0.5)
    after = postgres_cpu_s()
    return None if before is None or after is None else after - before


LEAST_SAMPLE = 2_000  # documents whose preparation is timed in this process


def least_prepare_us(documents: list[str], rounds: int = 3) -> float:
    """CPU a document of what no import can skip: decoding, validating and rendering each
    document into its stored form and its event's data (`prepare.prepare_lines`, what an
    import's worker does after the file check), best of `rounds`, in this process."""
    register_webhook_payloads()  # the event's data needs its renderer, as in the CLI
    numbered = [(n, f"{document}\n".encode()) for n, document in enumerate(documents, start=1)]

    def step() -> object:
        return prepare.prepare_lines(numbered, verify_totals=True, max_line_bytes=None)

    return prepare_cost.best_us(step, len(numbered), rounds)


def import_vs_copy(args: argparse.Namespace) -> report.Imported:
    """`invoiceport import` of documents into a fresh database, then a COPY of the rows it stored
    into another fresh one."""
    count = args.import_docs
    # Named after the dataset's database: invoiceport_bench gives invoiceport_bench_import and
    # invoiceport_bench_copy; another --url gets databases of its own.
    target, copied = f"{args.url}_import", f"{args.url}_copy"
    documents = asyncio.run(_documents(args.url, count))
    sample = documents[:LEAST_SAMPLE]
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as f:
        f.writelines(f"{document}\n" for document in documents)
        path = f.name
    command = [str(BIN / "invoiceport"), "--database", target, "import", path, "--no-progress"]
    cpu_file = f"{path}.cpu.json"
    measured = [str(BIN / "python"), "-c", RUSAGE_WRAPPER, cpu_file, *command]
    try:
        fresh_database(target)
        before = postgres_cpu_s()
        started = time.perf_counter()
        subprocess.run(measured, check=True, stdout=subprocess.DEVNULL)
        imported = time.perf_counter() - started
        postgres_cpu = _spent(before)
        with open(cpu_file) as f:
            main_cpu, workers_cpu = json.load(f)
        fresh_database(copied)
        copy_s, copy_postgres_cpu = asyncio.run(_copy_rows(target, copied))
        result = report.Imported(
            args.import_docs,
            imported,
            copy_s,
            main_cpu_s=main_cpu,
            workers_cpu_s=workers_cpu,
            postgres_cpu_s=postgres_cpu,
            copy_postgres_cpu_s=copy_postgres_cpu,
            prepare_us=least_prepare_us(sample),
            prepare_sample=len(sample),
        )
        if args.profile and result.ratio < report.IMPORT_TARGET:
            result.profile = _profile_import(args, target, command)
    finally:
        os.unlink(path)
        if os.path.exists(cpu_file):
            os.unlink(cpu_file)
    return result


def _profile_import(args: argparse.Namespace, target: str, command: list[str]) -> Profile | None:
    log("  profiling invoiceport import (py-spy --subprocesses)")
    fresh_database(target)
    out = args.out / "profiles" / f"{args.stamp}-import.speedscope.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    argv = [*profiling.record_argv(out), "--subprocesses", "--", *command]
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0 or not out.exists():
        log(f"  py-spy failed: {done.stderr.decode(errors='replace')[-300:]}")
        return None
    return profiling.read(out, time.perf_counter() - started)
