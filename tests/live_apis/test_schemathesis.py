"""Schemathesis, every check, on each spec the live generations serve: ABC Supply's live API
(`/abcsupply/live/openapi.json`), ScanSource's current generation
(`/scansource/scsc/openapi.json`) and the Okta/Azure token paths (`/oauth2/openapi.json`).

On the package's live server (PostgreSQL: its text type rejects NUL, a classic source of 500s),
with real credentials and the path and query values bound to real data for most cases, so runs
reach the data. A share of examples by default, all of them with INVOICEPORT_TEST_FULL=1. The
three runs go at the same time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import share
from tests.live_apis.conftest import ABC_INVOICE, World

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
SEED = "20261202"
# A webhook URL must resolve to a public address (or be allowed): no schema can say which, so a
# schema-valid URL is rightly refused with 400 on that one operation.
WEBHOOK_EXCEPTION = """
[[operations]]
include-path = "/api/notification/v2/webhooks"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
[[operations]]
include-path = "/api/notification/v2/webhooks/{webhookId}"
include-method = "PATCH"
checks.positive_data_acceptance.enabled = false
"""

# `grant_type` may come in the query or in the body: "one of two" is not expressible in OpenAPI
# 3.0, so both are optional in the spec, and a request with neither is rightly a 400.
OKTA_EXCEPTION = """
[[operations]]
include-path = "/oauth2/{authorizationServerId}/v1/token"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
"""


def _token(world: World) -> str:
    answer = httpx.post(
        f"{world.base}/oauth2/default/v1/token?grant_type=client_credentials",
        auth=httpx.BasicAuth(world.a.client_id, world.a.client_secret),
    )
    token: str = answer.json()["access_token"]
    return token


def _start(folder: Path, world: World, spec: str, headers: list[str], config: str) -> Any:
    folder.mkdir()
    (folder / "schemathesis.toml").write_text(config)
    command = [SCHEMATHESIS, "--config-file", str(folder / "schemathesis.toml"), "run"]
    command += [world.base + spec, "--url", world.base, "--mode", "all"]
    for header in headers:
        command += ["--header", header]
    command += ["--max-examples", str(share(10, 100)), "--seed", SEED]
    command += ["--generation-database", "none", "--report", "json"]
    command += ["--report-json-path", str(folder / "report.json"), "--no-color"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder
    )
    return process, folder / "report.json"


def _pinned(values: dict[str, list[str]]) -> str:
    lines = []
    for name in values:
        lines += [f'[dictionaries."{name}"]', f"values = {json.dumps(values[name])}"]
    lines.append("[parameters]")
    for name in values:
        lines.append(f'"{name}" = {{ dictionary = "{name}", probability = 0.8 }}')
    return "\n".join(lines) + "\n"


def test_schemathesis_on_every_new_served_spec(world: World, tmp_path: Path) -> None:
    if world.url.startswith("sqlite"):
        pytest.skip("runs once, on PostgreSQL")
    token = _token(world)
    bearer = f"Authorization: Bearer {token}"
    runs = {
        "abc": _start(
            tmp_path / "abc",
            world,
            "/abcsupply/live/openapi.json",
            [bearer],
            WEBHOOK_EXCEPTION + _pinned({"path.invoiceId": [ABC_INVOICE]}),
        ),
        "scsc": _start(
            tmp_path / "scsc",
            world,
            "/scansource/scsc/openapi.json",
            [bearer, f"Ocp-Apim-Subscription-Key: {world.a.api_key}"],
            _pinned({"query.customerNumber": ["C100"], "query.InvoiceNumber": ["INV-1001"]}),
        ),
        "tokens": _start(tmp_path / "tokens", world, "/oauth2/openapi.json", [], OKTA_EXCEPTION),
    }
    expected = {"abc": 7, "scsc": 4, "tokens": 2}
    for name, (process, report_path) in runs.items():
        output, _ = process.communicate(timeout=500)
        assert report_path.exists(), output[-6000:]
        report = json.loads(report_path.read_text())
        assert process.returncode == 0, f"{name}: {output[-8000:]}"
        assert report["failures"] == [] and report["errors"] == [], report
        assert report["operations"]["tested"] == expected[name], (name, report["operations"])
        print(f"schemathesis {name}: {report['test_cases']['generated']} test cases")
