"""Rules about the suite and the docs themselves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import INVOICEPORT

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_missing_postgresql_fails_under_ci_and_skips_otherwise(ci: str, outcome: str) -> None:
    env = os.environ | {
        "CI": ci,
        "INVOICEPORT_TEST_POSTGRES": "postgresql://postgres@127.0.0.1:1/test",  # nothing listens
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_storage.py::test_migrations_match_the_models[postgresql]",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert outcome in result.stdout, result.stdout[-2000:]
    assert "PostgreSQL at postgresql://postgres@127.0.0.1:1/test is not available" in result.stdout


def test_every_command_is_documented() -> None:
    """docs/cli.md cannot drift from the real command line."""
    docs = (ROOT / "docs" / "cli.md").read_text()
    help_text = subprocess.run(
        [INVOICEPORT, "--help"], capture_output=True, text=True, check=True
    ).stdout
    commands = re.findall(r"^│ (\w[\w-]*)\s", help_text, flags=re.MULTILINE)
    assert {"serve", "import", "demo", "db", "partner"} <= set(commands)
    for command in commands:
        assert f"## {command}" in docs or f"`{command}" in docs, command
    partner_help = subprocess.run(
        [INVOICEPORT, "partner", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for sub in re.findall(r"^│ (\w[\w-]*)\s", partner_help, flags=re.MULTILINE):
        assert f"`partner {sub}" in docs, sub
