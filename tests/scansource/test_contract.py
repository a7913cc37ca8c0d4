"""Schemathesis against a real `invoiceport serve` process loaded with `invoiceport demo` data.

1. The seed spec file itself (tests/contracts/), checks: not a server error, response schema
   conformance, content type conformance; at least 1,000 generated requests; zero failures.
2. The dialect's own served spec (`/scansource/openapi.json`), every check schemathesis has.

Random path values would only ever meet 403s and 404s, so a schemathesis config binds the path and
filter parameters to dictionaries of real demo values (a granted customer, its invoice, order and
PO numbers) for most, not all, generated cases; the HAR report shows each operation answered 200s.
The seed is fixed so that a run can be reproduced; change it to explore further.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.live import INVOICEPORT, cli_env, live_server

CONTRACT = Path(__file__).parent.parent / "contracts" / "scansource-invoice-openapi.yml"
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
KEY_HEADER = "Ocp-Apim-Subscription-Key"
CUSTOMER = "100234"  # a demo customer granted to the demo partner
ADMIN_TOKEN = "contract-admin-token-0123456789abcdef"  # 32+ characters
SEED = "20261121"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class DemoServer:
    base: str
    key: str
    partner_id: int
    invoices: list[dict[str, Any]]


@pytest.fixture
def demo_server(database_url: str, request: pytest.FixtureRequest) -> Iterator[DemoServer]:
    """`invoiceport demo` into the database, then `invoiceport serve` (one worker unless the
    test asks for more with indirect parametrisation)."""
    workers: int = getattr(request, "param", 1)
    env = cli_env(database_url, admin_token=ADMIN_TOKEN)
    shown = subprocess.run(
        [INVOICEPORT, "demo", "--invoices", "60"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    key = re.search(r"API key \(Ocp-Apim-Subscription-Key\): (\w+)", shown)
    partner = re.search(r"granted to partner (\d+)", shown)
    assert key and partner, shown
    with live_server(database_url, workers=workers, admin_token=ADMIN_TOKEN) as base:
        response = httpx.get(
            f"{base}/api/invoice/summary/{CUSTOMER}",
            params={"pageSize": 100},
            headers={KEY_HEADER: key.group(1)},
        )
        assert response.status_code == 200, response.text
        yield DemoServer(base, key.group(1), int(partner.group(1)), response.json()["invoices"])


def config(server: DemoServer) -> str:
    """schemathesis.toml: real values for the path and filter parameters, most of the time."""

    def values(field: str) -> str:
        return json.dumps(sorted({i[field] for i in server.invoices if field in i}))

    return f"""
[dictionaries.customers]
values = ["{CUSTOMER}"]
[dictionaries.invoices]
values = {values("invoiceNumber")}
[dictionaries.orders]
values = {values("salesOrderNumber")}
[dictionaries.pos]
values = {values("poNumber")}

[parameters]
"path.customerNumber" = {{ dictionary = "customers", probability = 0.85 }}
"path.invoiceNumber" = {{ dictionary = "invoices", probability = 0.85 }}
"query.invoiceNumber" = {{ dictionary = "invoices", probability = 0.3 }}
"query.salesOrderNumber" = {{ dictionary = "orders", probability = 0.3 }}
"query.poNumber" = {{ dictionary = "pos", probability = 0.3 }}
"""


def run_schemathesis(
    server: DemoServer, folder: Path, schema: str, checks: str, max_examples: int
) -> tuple[dict[str, Any], Counter[tuple[str, int]]]:
    """Run the CLI; return its JSON report and the (route, status) counts of its HAR report."""
    (folder / "schemathesis.toml").write_text(config(server))
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(folder / "schemathesis.toml"),
        "run",
        schema,
        "--url",
        f"{server.base}/api",
        "--header",
        f"{KEY_HEADER}: {server.key}",
        "--checks",
        checks,
        "--max-examples",
        str(max_examples),
        "--seed",
        SEED,
        "--generation-database",
        "none",
        "--report",
        "json,har",
        "--report-json-path",
        str(folder / "report.json"),
        "--report-har-path",
        str(folder / "report.har"),
        "--no-color",
    ]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    report: dict[str, Any] = json.loads((folder / "report.json").read_text())
    statuses: Counter[tuple[str, int]] = Counter()
    for entry in json.loads((folder / "report.har").read_text())["log"]["entries"]:
        route = entry["request"]["url"].split("/api/invoice/", 1)[-1].split("/", 1)[0]
        statuses[(route, entry["response"]["status"])] += 1
    return report, statuses


def assert_clean(report: dict[str, Any]) -> None:
    assert report["test_cases"]["with_failures"] == 0, report
    assert report["test_cases"]["errored"] == 0, report
    assert report["failures"] == [] and report["errors"] == [], report
    assert report["operations"]["tested"] == 4, report


def assert_real_answers(statuses: Counter[tuple[str, int]]) -> None:
    """Every operation answered many 200s (the dictionaries hit real data) and never a 5xx."""
    for route in ("summary", "list", "detail", "pdf"):
        assert statuses[(route, 200)] >= 30, statuses
    assert not [key for key in statuses if key[1] >= 500], statuses


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_seed_spec_conformance(demo_server: DemoServer, tmp_path: Path) -> None:
    report, statuses = run_schemathesis(
        demo_server,
        tmp_path,
        str(CONTRACT),
        "not_a_server_error,response_schema_conformance,content_type_conformance",
        max_examples=250,
    )
    assert_clean(report)
    assert report["test_cases"]["generated"] >= 1000, report["test_cases"]
    assert_real_answers(statuses)
    print(f"\nschemathesis, seed spec: {report['test_cases']}, {dict(statuses)}")


def assert_revocation_is_immediate(server: DemoServer) -> None:
    """A revoked key fails on the next request, on every server process."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    partner = httpx.get(f"{server.base}/admin/v1/partners/{server.partner_id}", headers=headers)
    key_id = partner.json()["api_keys"][0]["id"]
    revoked = httpx.delete(
        f"{server.base}/admin/v1/partners/{server.partner_id}/api-keys/{key_id}", headers=headers
    )
    assert revoked.status_code == 204
    with httpx.Client(base_url=server.base, headers={KEY_HEADER: server.key}) as http:
        for _ in range(8):  # a new connection each time: the requests land on both workers
            response = http.get(f"/api/invoice/summary/{CUSTOMER}", headers={"Connection": "close"})
            assert response.status_code == 401
            assert response.json()["statusCode"] == 401


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("demo_server", [2], indirect=True, ids=["2-workers"])
def test_served_spec_with_every_check(demo_server: DemoServer, tmp_path: Path) -> None:
    report, statuses = run_schemathesis(
        demo_server,
        tmp_path,
        f"{demo_server.base}/scansource/openapi.json",
        "all",
        max_examples=80,
    )
    assert_clean(report)
    assert report["test_cases"]["generated"] >= 400, report["test_cases"]
    assert_real_answers(statuses)
    print(f"\nschemathesis, served spec: {report['test_cases']}, {dict(statuses)}")
    assert_revocation_is_immediate(demo_server)
