"""Secrets are never logged, never stored in clear, and compared in constant time.

Every flow runs against a real `invoiceport serve` and a real `invoiceport worker`, both at DEBUG
log level with their output captured: admin partner, API key and OAuth client creation, tokens
(form and HTTP Basic), each dialect's requests (including refused ones: a wrong secret, a revoked
key), webhook subscription and secret rotation, ingest, and the worker's signed delivery. Then
no API key, client secret, access token, admin token, webhook secret or signing key appears in
either log, nor anywhere in the database's tables.
"""

from __future__ import annotations

import ast
import asyncio
import base64
import hmac
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from invoiceport.platform.models import metadata
from tests.conftest import ADMIN_TOKEN
from tests.factories import invoice_doc
from tests.hardening.support import GRANTED
from tests.live import INVOICEPORT, cli_env, live_server
from tests.webhooks.receiver import receiver

pytestmark = pytest.mark.slow

SIGNING_KEY = "signing-key-0123456789abcdef0123456789"
SRC = Path(__file__).parents[2] / "src" / "invoiceport"
AUTH_MODULES = [
    SRC / "partners" / "credentials.py",
    SRC / "partners" / "service.py",
    SRC / "oauth" / "tokens.py",
    SRC / "oauth" / "bearer.py",
    SRC / "admin" / "endpoints.py",
    SRC / "oauth" / "endpoints.py",
    SRC / "webhooks" / "signing.py",
    SRC / "kit" / "pipeline.py",
    SRC / "reads" / "service.py",
]


def _variants(secret: str) -> set[str]:
    """The secret and the forms a log could carry it in (a webhook secret's key bytes too)."""
    found = {secret}
    if secret.startswith("whsec_"):
        raw = secret.removeprefix("whsec_")
        found |= {raw, base64.b64decode(raw).hex()}
    return {s for s in found if len(s) >= 8}


@contextmanager
def _worker(database_url: str, log: Path, **settings: str) -> Iterator[subprocess.Popen[bytes]]:
    settings = {"webhook_signing_key": SIGNING_KEY, **settings}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [INVOICEPORT, "worker"],
            env=cli_env(
                database_url,
                log_level="DEBUG",
                webhook_allow_private="true",
                webhook_poll_seconds="0.2",
                **{k: v for k, v in settings.items() if v},
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(10)


async def _table_text(database_url: str) -> str:
    conn = await asyncpg.connect(database_url, timeout=5)
    try:
        parts = []
        for table in metadata.sorted_tables:
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{table.name}" t')
            parts += [row["row"] for row in rows]
    finally:
        await conn.close()
    return "\n".join(parts)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_no_secret_in_logs_or_tables(database_url: str, tmp_path: Path) -> None:
    secrets: dict[str, str] = {"admin token": ADMIN_TOKEN, "signing key": SIGNING_KEY}
    server_log = tmp_path / "server.log"
    settings = {
        "admin_token": ADMIN_TOKEN,
        "log_level": "DEBUG",
        "webhook_allow_private": "true",
        "webhook_signing_key": SIGNING_KEY,
    }
    with (
        receiver() as hook,
        live_server(database_url, log=server_log, **settings) as base,
    ):
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            partner = await http.post(
                "/admin/v1/partners",
                json={"name": "Secretive", "customer_numbers": [GRANTED, "20-123456"]},
                headers=admin,
            )
            partner_id = partner.json()["id"]
            key = (
                await http.post(f"/admin/v1/partners/{partner_id}/api-keys", headers=admin)
            ).json()
            secrets["api key"] = key["key"]
            client = (
                await http.post(f"/admin/v1/partners/{partner_id}/oauth-clients", headers=admin)
            ).json()
            secrets["client secret"] = client["client_secret"]
            form = {
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            }
            issued = await http.post("/oauth/oauth30/token", data=form)
            secrets["access token"] = token = issued.json()["access_token"]
            basic = await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client["client_id"], client["client_secret"]),
            )
            secrets["access token (basic)"] = basic.json()["access_token"]
            given = client["client_secret"]
            wrong = dict(form, client_secret=given[:-1] + ("A" if given[-1] != "A" else "B"))
            assert (await http.post("/oauth/oauth30/token", data=wrong)).status_code == 401

            doc = invoice_doc("SECRET-1", GRANTED)
            assert (await http.post("/admin/v1/invoices", json=doc, headers=admin)).is_success
            bearer = {"Authorization": f"Bearer {token}"}
            subscribed = await http.post(
                "/api/invoice/v1/webhooks",
                json={"url": hook.url, "events": ["invoice.created", "invoice.updated"]},
                headers=bearer,
            )
            assert subscribed.status_code == 201, subscribed.text
            webhook = subscribed.json()
            secrets["webhook secret"] = webhook["secret"]
            rotated = await http.post(
                f"/api/invoice/v1/webhooks/{webhook['id']}/rotate-secret", headers=bearer
            )
            secrets["rotated webhook secret"] = rotated.json()["secret"]

            key_headers = {"Ocp-Apim-Subscription-Key": key["key"]}
            answers = [
                await http.get(f"/api/invoice/summary/{GRANTED}", headers=key_headers),
                await http.get(f"/api/invoice/detail/{GRANTED}/SECRET-1", headers=key_headers),
                await http.get(f"/api/invoice/pdf/{GRANTED}/SECRET-1", headers=key_headers),
                await http.get(f"/api/invoice/v1/invoices/history/{GRANTED}", headers=bearer),
                await http.get("/api/invoice/v1/invoices/SECRET-1", headers=bearer),
                await http.get(
                    "/resellers/v5/invoices/SECRET-1?customerNumber=20-123456&isoCountryCode=UK",
                    headers=bearer,
                ),
                await http.get("/api/invoice/v1/webhooks", headers=bearer),
            ]
            assert [a.status_code for a in answers[:6]].count(200) >= 5, [
                (a.request.url, a.status_code) for a in answers
            ]
            updated = dict(doc, po_number="PO-SECRET-2")
            assert (await http.post("/admin/v1/invoices", json=updated, headers=admin)).is_success

            with _worker(database_url, tmp_path / "worker.log"):
                await asyncio.to_thread(hook.wait_for, lambda got: len(got) >= 1, 30)
                await asyncio.sleep(0.5)
            delivered = hook.snapshot()[0]
            assert "webhook-signature" in delivered.headers

            key_id = (await http.get(f"/admin/v1/partners/{partner_id}", headers=admin)).json()
            revoked = key_id["api_keys"][0]["id"]
            await http.delete(f"/admin/v1/partners/{partner_id}/api-keys/{revoked}", headers=admin)
            after = await http.get(f"/api/invoice/summary/{GRANTED}", headers=key_headers)
            assert after.status_code == 401

    logs = {"server": server_log.read_text(), "worker": (tmp_path / "worker.log").read_text()}
    assert "DEBUG" in logs["server"] and "DEBUG" in logs["worker"]  # the level took effect
    leaks = _leaks(secrets, logs)
    assert not leaks, leaks[:20]
    stored = await _table_text(database_url)
    in_clear = [
        what for what, secret in secrets.items() if any(f in stored for f in _variants(secret))
    ]
    assert not in_clear, in_clear
    print(
        f"\nsecrets checked: {sorted(secrets)}; log lines: "
        f"{ {k: len(v.splitlines()) for k, v in logs.items()} }"
    )


def _leaks(secrets: dict[str, str], logs: dict[str, str]) -> list[tuple[str, str, str]]:
    """(what, which log, the line) for every log line holding a form of a secret."""
    return [
        (what, log, line[:300])
        for log, text in logs.items()
        for line in text.splitlines()
        for what, secret in secrets.items()
        if any(form in line for form in _variants(secret))
    ]


# Every query parameter name a client might put a credential under (uvicorn's access log writes
# the query string as it came, refused or not).
QUERY_NAMES = [
    "subscription-key",
    "Ocp-Apim-Subscription-Key",
    "api_key",
    "apikey",
    "key",
    "client_secret",
    "access_token",
    "token",
    "code",
    "password",
    "secret",
    "id_token",
    "refresh_token",
    "x-api-key",
]


async def _send_everywhere(
    http: httpx.AsyncClient, secrets: dict[str, str], client_id: str
) -> list[int]:
    """Each secret as every kind of credential, in every place a client can put one: headers
    (API key, Bearer, Basic), the query string under every credential-like name, a form body,
    on routes that take it and routes that refuse it. Returns the status codes seen."""
    seen = []
    paths = [
        f"/api/invoice/summary/{GRANTED}",
        "/api/invoice/v1/webhooks",
        "/resellers/v5/invoices/X?customerNumber=20-123456&isoCountryCode=UK",
        "/admin/v1/partners",
    ]
    for secret in secrets.values():
        for path in paths:
            joiner = "&" if "?" in path else "?"
            query = "&".join(f"{name}={secret}" for name in QUERY_NAMES)
            for headers in (
                {"Ocp-Apim-Subscription-Key": secret},
                {"Authorization": f"Bearer {secret}"},
                {
                    "Authorization": "Basic "
                    + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
                },
                {},
            ):
                answer = await http.get(f"{path}{joiner}{query}", headers=headers)
                seen.append(answer.status_code)
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        for url in ("/oauth/token", "/oauth/oauth30/token"):
            seen.append((await http.post(url, data=form)).status_code)
            seen.append((await http.post(url, params=form)).status_code)  # query, not body
            seen.append((await http.post(url, data=form, auth=(client_id, secret))).status_code)
        seen.append((await http.post("/oauth/token", json=form)).status_code)
    return seen


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_no_secret_in_any_log_line_with_the_defaults(
    database_url: str, tmp_path: Path
) -> None:
    """SQLite and no INVOICEPORT_WEBHOOK_SIGNING_KEY (the defaults: webhook secrets stored as
    they are), DEBUG, the access log on: every line of the server's and the worker's output
    (the app's, uvicorn's access and error logs, SQLAlchemy, aiosqlite, httpx) is searched."""
    secrets: dict[str, str] = {"admin token": ADMIN_TOKEN}
    server_log, worker_log = tmp_path / "server.log", tmp_path / "worker.log"
    settings = {"admin_token": ADMIN_TOKEN, "log_level": "DEBUG", "webhook_allow_private": "true"}
    with (
        receiver() as hook,
        live_server(database_url, log=server_log, access_log=True, **settings) as base,
    ):
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            partner = await http.post(
                "/admin/v1/partners",
                json={"name": "Defaults", "customer_numbers": [GRANTED]},
                headers=admin,
            )
            partner_id = partner.json()["id"]
            key = await http.post(f"/admin/v1/partners/{partner_id}/api-keys", headers=admin)
            secrets["api key"] = key.json()["key"]
            client = await http.post(
                f"/admin/v1/partners/{partner_id}/oauth-clients", headers=admin
            )
            client_id = client.json()["client_id"]
            secrets["client secret"] = client.json()["client_secret"]
            issued = await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secrets["client secret"]),
            )
            secrets["access token"] = issued.json()["access_token"]
            bearer = {"Authorization": f"Bearer {secrets['access token']}"}
            url_token = "hook-url-token-" + base64.b32encode(os.urandom(10)).decode()
            secrets["token in the webhook URL"] = url_token
            subscribed = await http.post(
                "/api/invoice/v1/webhooks",
                json={"url": f"{hook.url}?token={url_token}", "events": ["invoice.created"]},
                headers=bearer,
            )
            assert subscribed.status_code == 201, subscribed.text
            webhook = subscribed.json()
            secrets["webhook secret"] = webhook["secret"]
            rotated = await http.post(
                f"/api/invoice/v1/webhooks/{webhook['id']}/rotate-secret", headers=bearer
            )
            secrets["rotated webhook secret"] = rotated.json()["secret"]
            seen = await _send_everywhere(http, secrets, client_id)
            assert {200, 401}.issubset(seen) and max(seen) < 500, sorted(set(seen))
            doc = invoice_doc("DEFAULTS-1", GRANTED)
            assert (await http.post("/admin/v1/invoices", json=doc, headers=admin)).is_success
            with _worker(database_url, worker_log, webhook_signing_key=""):
                await asyncio.to_thread(hook.wait_for, lambda got: len(got) >= 1, 30)
                await asyncio.sleep(0.5)
    logs = {"server": server_log.read_text(), "worker": worker_log.read_text()}
    assert "DEBUG" in logs["server"] and "DEBUG" in logs["worker"]  # the level took effect
    assert f"GET /api/invoice/summary/{GRANTED}?" in logs["server"]  # the access log is on
    assert "HTTP Request: POST" in logs["worker"]
    leaks = _leaks(secrets, logs)
    assert not leaks, leaks[:20]
    print(
        f"\nsecrets checked: {sorted(secrets)}; requests: {len(seen)}; log lines: "
        f"{ {k: len(v.splitlines()) for k, v in logs.items()} }"
    )


SECRET_NAME = ("secret", "digest", "token", "hash", "signature", "password", "key")
ALLOWED = {"key_id", "token_type", "scheme"}


def _names(node: ast.expr) -> list[str]:
    return [
        n.id if isinstance(n, ast.Name) else n.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Name | ast.Attribute)
    ]


def test_no_secret_is_compared_with_equals() -> None:
    """In the modules that check credentials, no `==`/`!=` touches a secret-like value (they use
    hmac.compare_digest, or look up by digest through an index)."""
    found = []
    for module in AUTH_MODULES:
        for node in ast.walk(ast.parse(module.read_text())):
            if not isinstance(node, ast.Compare):
                continue
            if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                continue
            sides = [node.left, *node.comparators]
            names = [n for side in sides for n in _names(side) if n not in ALLOWED]
            if any(part in name.lower() for name in names for part in SECRET_NAME):
                found.append(f"{module.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    assert not found, found


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_client_secrets_and_the_admin_token_use_compare_digest(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = hmac.compare_digest

    def spy(a: str | bytes, b: str | bytes) -> bool:
        calls.append(1)
        return real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(hmac, "compare_digest", spy)
    partner = await client.post("/admin/v1/partners", json={"name": "P", "customer_numbers": []})
    assert calls, "the admin token was not compared with compare_digest"
    calls.clear()
    issued = await client.post(f"/admin/v1/partners/{partner.json()['id']}/oauth-clients")
    calls.clear()
    form = {
        "grant_type": "client_credentials",
        "client_id": issued.json()["client_id"],
        "client_secret": "wrong",
    }
    assert (await client.post("/oauth/oauth30/token", data=form)).status_code == 401
    assert calls, "the client secret was not compared with compare_digest"
    calls.clear()
    form["client_id"] = "no-such-client"
    assert (await client.post("/oauth/oauth30/token", data=form)).status_code == 401
    assert calls, "an unknown client skipped the comparison (a timing difference)"
