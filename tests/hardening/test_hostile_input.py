"""A corpus of hostile input against every route the app serves (enumerated from the app), on
SQLite and PostgreSQL, through the real app: every answer is below 500, carries no traceback or
driver name, and an error names its problem. The real HTTP stack is in test_hostile_http.py."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from invoiceport.ops.demo_setup import load_demo
from tests.factories import invoice_doc
from tests.hardening.support import (
    GRANTED,
    NO_LIMITS,
    Credentials,
    Route,
    app_routes,
    describe,
    problems,
)
from tests.oauth.support import app_client, make_settings

pytestmark = pytest.mark.slow

CORPUS: dict[str, list[str]] = {
    "sql injection": [
        "' OR '1'='1",
        "1; DROP TABLE invoices;--",
        '" OR 1=1 --',
        "1' UNION SELECT key_hash FROM api_keys--",
        "%' OR 1=1 --",
        "\\",
    ],
    "path traversal": ["../../etc/passwd", "..\\..\\windows\\win.ini", "....//....//etc", ".."],
    "encoded tricks": [
        "%2e%2e%2f%2e%2e%2f",
        "%252e%252e%252f",
        "%c0%ae%c0%ae%2f",
        "\uff0e\uff0e\uff0f",
        "\u202eevil",
        "\ufeff100234",
        "a\u0301\u0301\u0301",
        "\U0001f4a9",
        "%uff0e",
    ],
    "nul and control": ["a\x00b", "\x00", "%00", "a\r\nX-Injected: 1", "\t", "\x7f\x1b[31m"],
    "invalid utf-8": ["%ff%fe", "%c3%28", "%ed%a0%80", "%f4%90%80%80"],
    "numbers": [
        "-1",
        "0",
        "99999999999999999999",
        "1e9",
        "-9223372036854775809",
        "NaN",
        "Infinity",
        "0x10",
        "1.5",
        "",
    ],
    "dates": [
        "0000-00-00",
        "9999-99-99",
        "9999-12-31",
        "0001-01-01",
        "2024-02-30",
        "2024-13-01T25:61:61Z",
        "-001-01-01",
    ],
    "format and templates": ["%s%s%n", "{{7*7}}", "${jndi:ldap://x/a}", "<script>x</script>"],
    "long": ["A" * 10_000],
}

EXTRA_QUERY = {
    "/api/invoice/v1/invoices/history/{billToAccount}": [
        "pageNumber",
        "itemsPerPage",
        "startDate",
        "endDate",
    ],
    "/api/invoice/v1/webhooks/{webhookId}/deliveries": ["status", "pageNumber", "itemsPerPage"],
    "/admin/v1/invoices": ["verify_totals"],
    "/admin/v1/invoices/bulk": ["verify_totals"],
}
VALID_PATH = {
    "customerNumber": GRANTED,
    "billToAccount": GRANTED,
    "environment": "production",
    "customer_number": GRANTED,  # the native API (/v1/)
}


def _deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def hostile_bodies(limit: int) -> dict[str, bytes]:
    """Bodies for every route that takes one (sent to all POST routes)."""
    doc = invoice_doc("HOSTILE-1", GRANTED)
    nul = dict(doc, invoice_number="H\x00")
    return {
        "deeply nested": _deep(100_000),
        "deeply nested object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "huge": b'{"name": "' + b"x" * (limit + 10) + b'"}',
        "invalid utf-8": b'{"name": "\xff\xfe\xc3("}',
        "lone surrogates": b'{"name": "\\ud800x", "url": "https://x.test/\\udfff"}',
        "nul in a name": json.dumps({"name": "a\x00b"}).encode(),
        "nul in text": json.dumps({"name": "a\x00b", "url": "https://x.test/\x00"}).encode(),
        "nul in invoice": json.dumps(nul).encode(),
        "numbers": b'{"name": 1e999, "customer_numbers": [-1, 99999999999999999999999]}',
        "wrong types": b'{"name": ["x"], "customer_numbers": "100234", "scopes": {"a": 1}}',
        "sql": json.dumps({"name": "x'); DROP TABLE partners;--", "url": "' OR 1=1"}).encode(),
        "empty": b"",
        "null": b"null",
        "not json": b"\x00\x01\x02",
        "bom": b'\xef\xbb\xbf{"name": "x"}',
        "duplicate keys": b'{"name": "a", "name": "b"}',
    }


def ndjson_bodies(limit: int) -> dict[str, bytes]:
    line = json.dumps(invoice_doc("NDJSON-1", GRANTED)).encode()
    return {
        "line over the limit": line + b"\n" + b'{"x": "' + b"y" * (limit + 1) + b'"}\n',
        "nul line": b"\x00\n" + line,
        "invalid utf-8 line": b"\xff\xfe\n" + line,
        "deep line": _deep(100_000) + b"\n",
        "blank lines": b"\n\n\n",
    }


@dataclass
class Tally:
    sent: Counter[str]
    bad: list[str]

    def check(self, category: str, response: httpx.Response) -> None:
        self.sent[category] += 1
        found = problems(response)
        if found:
            self.bad.append(f"[{category}] {', '.join(found)}: {describe(response)}")


@pytest.fixture
async def served(
    database_url: str,
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Credentials]]:
    # The corpus is about input, not a slow database (tests/hardening/test_outage.py): under
    # CI, with the other worker's servers and loads beside it, one read of 10,830 once waited
    # past the default 5 s and was answered 503. A database that slow still fails the test.
    settings = make_settings(database_url, rate_limits=NO_LIMITS, db_timeout_seconds=30.0)
    async with app_client(settings) as (app, admin):
        demo = await load_demo(app.state.context.engine, 7, 20, reset=False)
        form = {
            "grant_type": "client_credentials",
            "client_id": demo.client_id,
            "client_secret": demo.client_secret,
        }
        token = (await admin.post("/oauth/oauth30/token", data=form)).json()["access_token"]
        # A 500 must come back as an answer to be counted, not as an exception in the test.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://invoiceport.test"
        ) as http:
            yield app, http, Credentials(demo.api_key, token)


def _query_names(route: Route, specs: list[dict[str, object]]) -> list[str]:
    names = list(EXTRA_QUERY.get(route.path, []))
    for spec in specs:
        for path, operations in spec["paths"].items():  # type: ignore[attr-defined]
            if not route.path.endswith(path):
                continue
            operation = operations.get(route.method.lower(), {})
            names += [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    return sorted(set(names))


async def test_hostile_corpus_on_every_route(
    served: tuple[FastAPI, httpx.AsyncClient, Credentials],
) -> None:
    app, http, creds = served
    routes = app_routes(app)
    assert len(routes) >= 40  # the enumeration itself works
    specs = [
        (await http.get(url)).json()
        for url in (
            "/scansource/openapi.json",
            "/abcsupply/openapi.json",
            "/ingram/openapi.json",
            "/v1/openapi.json",
            "/scansource/scsc/openapi.json",
            "/abcsupply/live/openapi.json",
            "/oauth2/openapi.json",
        )
    ]
    tally = Tally(Counter(), [])
    limit = app.state.context.settings.max_body_bytes
    for route in routes:
        headers = creds.headers_for(route.fill(VALID_PATH))
        for category, values in CORPUS.items():
            for value in values:
                for param in route.params:
                    # Percent-encoded items go as they are; the rest are quoted by httpx.
                    raw = value if "%" in value else quote(value, safe="")
                    path = route.fill({**VALID_PATH, param: raw})
                    response = await http.request(route.method, path, headers=headers)
                    tally.check(category, response)
                names = _query_names(route, specs)
                if names and len(value) * len(names) < 50_000:  # httpx's own URL limit
                    params = dict.fromkeys(names, value)
                    response = await http.request(
                        route.method, route.fill(VALID_PATH), params=params, headers=headers
                    )
                    tally.check(category, response)
                for name in names:
                    response = await http.request(
                        route.method, route.fill(VALID_PATH), params={name: value}, headers=headers
                    )
                    tally.check(category, response)
        if route.method in ("POST", "PUT", "PATCH"):
            bodies = hostile_bodies(limit)
            if route.path.endswith("/bulk"):
                bodies |= ndjson_bodies(limit)
            for name, body in bodies.items():
                for content_type in ("application/json", "application/x-ndjson", "text/plain"):
                    response = await http.request(
                        route.method,
                        route.fill(VALID_PATH),
                        content=body,
                        headers={**headers, "Content-Type": content_type},
                    )
                    tally.check(f"body: {name}", response)
    print(f"\nhostile corpus: {sum(tally.sent.values())} requests, {dict(tally.sent)}")
    assert not tally.bad, f"{len(tally.bad)} bad answers:\n" + "\n".join(tally.bad[:40])
