"""Schemathesis with every check against a live server (PostgreSQL) and the served spec
`/v1/openapi.json`: positive and negative data, zero failures and zero errors. The customer is
pinned to a granted one part of the time so that full answers are checked too. A share runs by
default (`share`: the fuzzing phase, 15 examples an operation), every phase with 100 examples
with INVOICEPORT_TEST_FULL=1."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, share
from tests.live import live_server
from tests.native.support import KEY_HEADER, doc, load, new_partner

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
EXAMPLES = share(15, 100)
# By default the fuzzing phase alone (every check still runs); all phases under the flag.
PHASES = "fuzzing" if share(0, 1) == 0 else "examples,coverage,fuzzing,stateful"
CONFIG = """
[dictionaries.customers]
values = ["C100"]

[dictionaries.invoices]
values = ["INV-1", "INV-2", "CM-1"]

# A documented 422: an invoice that cannot become a valid e-invoice (US-style demo data).
# An expired feed cursor is a documented 410 (the spec's answer for a well-formed but too old
# `after`), not a refusal of valid data.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "422", "429"]

[parameters]
"path.customer_number" = { dictionary = "customers", probability = 0.6 }
"path.invoice_number" = { dictionary = "invoices", probability = 0.5 }
"""


@pytest.mark.timeout(share(300, 1800))  # the whole run is long
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_schemathesis_finds_nothing(database_url: str, tmp_path: Path) -> None:
    with live_server(database_url, timeout=120, admin_token=ADMIN_TOKEN) as base:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with httpx.AsyncClient(base_url=base, headers=admin) as http:
            partner = await new_partner(http, ("C100",))
            await load(http, doc("INV-1"), doc("INV-2"), doc("CM-1", document_type="credit_memo"))
        toml = tmp_path / "schemathesis.toml"
        toml.write_text(CONFIG)
        for mode in ("positive", "negative"):
            reports = tmp_path / f"report-{mode}"
            await asyncio.to_thread(_run, base, mode, partner.key, toml, reports)


def _run(base: str, mode: str, key: str, toml: Path, reports: Path) -> None:
    command = [
        SCHEMATHESIS, "--config-file", str(toml), "run", f"{base}/v1/openapi.json",
        "--url", base, "--mode", mode, "--max-examples", str(EXAMPLES), "--phases", PHASES,
        "--seed", "20261202", "--generation-database", "none",
        "-H", f"{KEY_HEADER}: {key}",
        "--report", "json", "--report-dir", str(reports), "--no-color",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=toml.parent, timeout=600)
    output = done.stdout + done.stderr
    found = list(reports.glob("*.json"))
    assert len(found) == 1, output[-6000:]
    report = json.loads(found[0].read_text())
    assert done.returncode == 0, output[-8000:]
    assert report["failures"] == [] and report["errors"] == [], report
    assert report["operations"]["tested"] == 8, mode  # list, detail, e-invoice, events; x2
