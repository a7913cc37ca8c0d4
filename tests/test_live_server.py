"""`invoiceport serve` as a real process: migrates first, serves, answers over a socket."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.factories import invoice_doc
from tests.live import live_server


def test_serve_migrates_then_serves(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"  # a new, empty database: serve must migrate it
    token = "live-token-" + "x" * 32
    with live_server(url, admin_token=token) as base:
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/admin/v1/invoices", json=invoice_doc(), headers=headers)
        assert created.json() == {"result": "created", "version": 1}
        assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
