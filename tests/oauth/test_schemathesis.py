"""Schemathesis against a real server with the token endpoint's own served spec, on PostgreSQL
(whose text type rejects NUL, a classic source of 500s). Positive and negative data, every check.

Generated credentials are never valid, so every well-formed request is answered 401
`invalid_client` (schemathesis warns that the operation "returned only 401/403"); issuing tokens
is covered by test_token_endpoint.py. What this run shows: no input produces a 5xx or an answer
outside the documented statuses and shapes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import live_server

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_schemathesis_on_the_token_endpoint(database_url: str, tmp_path: Path) -> None:
    with live_server(database_url) as base:
        result = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{base}/oauth/openapi.json",
                "--url",
                base,
                "--mode",
                "all",
                "--max-examples",
                "100",
                "--seed",
                "20250101",
                "--generation-database",
                "none",
                "--report",
                "json",
                "--report-dir",
                str(tmp_path),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=240,
            check=False,
        )
    reports = list(tmp_path.glob("*.json"))
    assert len(reports) == 1, result.stdout[-4000:] + result.stderr[-2000:]
    report = json.loads(reports[0].read_text())
    assert result.returncode == 0, result.stdout[-6000:]
    assert report["failures"] == [] and report["errors"] == [], report
    assert report["operations"]["tested"] == 5  # RFC 6749 x2, the XI flows x3 (issue 13)
    assert report["test_cases"]["generated"] >= 50
    print("schemathesis token endpoint test cases:", report["test_cases"]["generated"])
