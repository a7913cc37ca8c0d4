"""`invoiceport demo` (what `make run` runs) loads invoice numbers Ingram's SDK accepts and prints
an SDK program that works against the running server, as printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from invoiceport.ops.demo_xi import XI_INVOICES
from tests.live import INVOICEPORT, cli_env, live_server


def test_the_printed_sdk_snippet_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    assert all(len(number) <= 11 for number, *_ in XI_INVOICES)  # the SDK's search limit
    with live_server(url) as base:
        demo = subprocess.run(
            [INVOICEPORT, "demo", "--invoices", "8", "--base-url", base],
            env=cli_env(url), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert demo.returncode == 0, demo.stderr
        lines = demo.stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if "xi-sdk-resellers" in line) + 1
        program = "\n".join(line[4:] for line in lines[start:] if line.startswith("    "))
        assert "get_invoicedetails_v6_1" in program
        (tmp_path / "xi_demo.py").write_text(program)
        ran = subprocess.run(
            [sys.executable, "xi_demo.py"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    details, search = ran.stdout.splitlines()
    assert details == "40-DPJ17-11 5400.0"
    count, numbers = search.split(" ", 1)
    assert int(count) >= 4  # the seed's sample, the three XI copies, any random ones
    assert "40-DPJ17-11" in numbers
