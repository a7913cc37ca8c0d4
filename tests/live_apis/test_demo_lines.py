"""The curl lines `invoiceport demo` prints for the live API generations work as printed: run by
bash against the live server, over the demo data and the demo partner's credentials."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from invoiceport.ops.demo_setup import DemoSummary, load_demo
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from tests.live_apis.conftest import World


def _demo(world: World) -> DemoSummary:
    settings = Settings(database_url=world.url, _env_file=None)  # type: ignore[call-arg]

    async def run() -> DemoSummary:
        engine = create_engine(settings)
        try:
            return await load_demo(engine, seed=1, count=20, reset=False)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_the_printed_live_curl_lines_work(world: World, tmp_path: Path) -> None:
    if not world.url.startswith("sqlite"):
        pytest.skip("runs once, on SQLite")
    summary = _demo(world)
    printed = list(summary.describe(world.base, None))
    live = list(summary._live(world.base))
    assert all(line in printed for line in live)
    outputs = [f"{line.strip()} > out{n}.txt" for n, line in enumerate(live)]
    script = "set -euo pipefail\n" + "\n".join(outputs) + "\n"
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    by_id = json.loads((tmp_path / "out1.txt").read_text())
    assert by_id["invoiceNumber"] == "20-12345-11" and by_id["lines"]
    assert (tmp_path / "abc-invoice.pdf").read_bytes().startswith(b"%PDF-")
    detail = json.loads((tmp_path / "out4.txt").read_text())
    assert detail["InvoiceNumber"] == "20-12345-11" and detail["InvoiceLines"]
