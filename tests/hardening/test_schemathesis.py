"""Schemathesis, every check, against the served specs no other test runs it on: ABC Supply's
(`/abcsupply/openapi.json`), the admin API's (`/admin/openapi.json`) and Ingram's own
(`/ingram/openapi.json`; Ingram's published yaml runs in tests/ingram). ScanSource and OAuth have
their runs in their own test folders; together every served spec is covered, and
`status_code_conformance` (part of "all") checks each route sends only the statuses it documents.

A real server on PostgreSQL with demo data; the path parameters are bound to real values for most
generated cases (a schemathesis config with dictionaries), so the runs reach the data, not only
404s. Both runs go at the same time, to keep the suite fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from invoiceport.ops.demo_setup import load_demo
from tests.conftest import ADMIN_TOKEN
from tests.hardening.support import GRANTED, NO_LIMITS
from tests.live import live_server
from tests.oauth.support import app_client, make_settings

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# The Ingram seed's sample invoice and its sales order, both in the demo data.
INGRAM_INVOICES = ["20-12345-11", "20-12345"]
# The customer and country must come in the query or in the IM- headers: "one of two" is not
# expressible in OpenAPI 3.0, so both are optional in the spec, and a request with neither is
# rightly a 400. The query values are pinned (as in tests/ingram/test_schemathesis.py); the
# headers are still generated, and an invalid header is refused even when the query wins.
INGRAM_PINNED = """
"query.customerNumber" = "20-123456"
"query.isoCountryCode" = "UK"
"""
SEED = "20261121"
MAX_EXAMPLES = "40"

pytestmark = pytest.mark.slow


# A webhook URL must resolve to a public address (docs/webhooks.md): no schema can say that, so a
# schema-valid URL such as "http://a" is rightly refused with 400. Only for that operation the
# positive-data-acceptance check is off; every other check still runs on it. (Schemathesis runs
# every check by default; `--checks all` on the command line would override this exception.)
WEBHOOK_URL_EXCEPTION = """
[[operations]]
include-path = "/api/invoice/v1/webhooks"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
"""
# Likewise an invoice must add up (lines to subtotal, subtotal + tax + freight to total, and more:
# docs/canonical-invoice.md), which a JSON schema cannot express; and the ingest deliberately
# takes identifiers and free-text fields sent as JSON numbers by ERPs (stored as their decimal
# text), a leniency the pydantic-generated schema does not list. Both acceptance checks are off
# for this one operation; the rest (no 5xx, documented statuses and shapes) still run on it.
INVOICE_EXCEPTION = """
[[operations]]
include-path = "/admin/v1/invoices"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
checks.negative_data_rejection.enabled = false
"""

# Deleting a partner is tested on its own (tests/test_admin_partners.py): here every admin
# operation gets the demo partner's id, whose credentials the ABC Supply and Ingram runs beside
# this one use; deleting it would make theirs fail.
PARTNER_DELETE_EXCEPTION = """
[[operations]]
include-name = "DELETE /admin/v1/partners/{partner_id}"
enabled = false
"""


def _config(dictionaries: dict[str, list[Any]], parameters: dict[str, str], extra: str = "") -> str:
    lines = [extra]
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    lines.append("[parameters]")
    for parameter, dictionary in parameters.items():
        lines.append(f'"{parameter}" = {{ dictionary = "{dictionary}", probability = 0.8 }}')
    return "\n".join(lines) + "\n"


def _start(
    folder: Path, spec: str, base: str, token: str, config: str
) -> tuple[subprocess.Popen[str], Path]:
    folder.mkdir()
    (folder / "schemathesis.toml").write_text(config)
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(folder / "schemathesis.toml"),
        "run",
        spec,
        "--url",
        base,
        "--header",
        f"Authorization: Bearer {token}",
        "--mode",
        "all",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--generation-database",
        "none",
        "--report",
        "json",
        "--report-json-path",
        str(folder / "report.json"),
        "--no-color",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder
    )
    return process, folder / "report.json"


def _finish(process: subprocess.Popen[str], report_path: Path, operations: int) -> dict[str, Any]:
    output, _ = process.communicate(timeout=400)
    assert report_path.exists(), output[-6000:]
    report: dict[str, Any] = json.loads(report_path.read_text())
    assert process.returncode == 0, output[-8000:]
    assert report["failures"] == [] and report["errors"] == [], report
    assert report["operations"]["tested"] == operations, report["operations"]
    return report


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_abcsupply_admin_and_ingram_specs_with_every_check(
    database_url: str, tmp_path: Path
) -> None:
    async with app_client(make_settings(database_url)) as (app, _http):
        demo = await load_demo(app.state.context.engine, 3, 30, reset=False)
    rate_limits = json.dumps(NO_LIMITS)
    with live_server(database_url, admin_token=ADMIN_TOKEN, rate_limits=rate_limits) as base:
        form = {
            "grant_type": "client_credentials",
            "client_id": demo.client_id,
            "client_secret": demo.client_secret,
        }
        async with httpx.AsyncClient(base_url=base) as http:
            token = (await http.post("/oauth/oauth30/token", data=form)).json()["access_token"]
            history = await http.get(
                f"/api/invoice/v1/invoices/history/{GRANTED}",
                headers={"Authorization": f"Bearer {token}"},
            )
        assert history.status_code == 200, history.text
        invoice_ids = sorted({str(item["invoiceNumber"]) for item in history.json()["items"]})
        assert invoice_ids
        abc = _start(
            tmp_path / "abcsupply",
            f"{base}/abcsupply/openapi.json",
            base,
            token,
            _config(
                {"accounts": [GRANTED], "invoices": invoice_ids},
                {"path.billToAccount": "accounts", "path.invoiceId": "invoices"},
                WEBHOOK_URL_EXCEPTION,
            ),
        )
        admin = _start(
            tmp_path / "admin",
            f"{base}/admin/openapi.json",
            base,
            ADMIN_TOKEN,
            _config(
                {"partners": [demo.partner_id], "environments": ["production"]},
                {"path.partner_id": "partners", "path.environment": "environments"},
                INVOICE_EXCEPTION + PARTNER_DELETE_EXCEPTION,
            ),
        )
        ingram = _start(
            tmp_path / "ingram",
            f"{base}/ingram/openapi.json",
            base,
            token,
            _config({"invoices": INGRAM_INVOICES}, {"path.invoiceNumber": "invoices"})
            + INGRAM_PINNED,
        )
        reports = {
            "abcsupply": _finish(*abc, operations=13),
            "admin": _finish(*admin, 15),  # 16 (e-invoice, portal users too), less the deletion
            "ingram (served spec)": _finish(*ingram, operations=2),
        }
    for name, report in reports.items():
        print(f"\nschemathesis {name}: {report['test_cases']}")
