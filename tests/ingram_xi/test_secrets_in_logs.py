"""No secret, token or key reaches a log line or an error message on the XI routes: each kind is
sent (query string, form body, headers raw and with a scheme) to a live server at DEBUG with the
access log on, and every line of its output and every answer is searched."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from invoiceport.platform.logs import REDACTED, scrub
from tests.conftest import ADMIN_TOKEN
from tests.ingram_xi.support import xi_headers
from tests.live import live_server


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: raw-secret-1", f"Authorization: {REDACTED}"),
        (
            "{'authorization': 'raw', 'im-customernumber': 'C1'}",
            f"{{'authorization': '{REDACTED}', 'im-customernumber': 'C1'}}",
        ),
        ("Ocp-Apim-Subscription-Key: K1", f"Ocp-Apim-Subscription-Key: {REDACTED}"),
        ('"x-api-key": "K2"', f'"x-api-key": "{REDACTED}"'),
        ("IM-CustomerNumber: 20-222222", "IM-CustomerNumber: 20-222222"),
        ("at 12:30:01 on http://host:8080/p", "at 12:30:01 on http://host:8080/p"),
    ],
)
def test_secret_headers_are_scrubbed(text: str, expected: str) -> None:
    assert scrub(text) == expected


async def test_no_secret_in_any_log_or_answer(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    url = f"sqlite:///{tmp_path}/logs.db"
    settings = {"admin_token": ADMIN_TOKEN, "log_level": "DEBUG"}
    with live_server(url, log=log, access_log=True, **settings) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
            partner = await http.post(
                "/admin/v1/partners",
                json={"name": "P", "customer_numbers": ["C100"]},
                headers=admin,
            )
            client = await http.post(
                f"/admin/v1/partners/{partner.json()['id']}/oauth-clients", headers=admin
            )
            client_id, secret = client.json()["client_id"], client.json()["client_secret"]
            secrets = {"client secret": secret, "admin token": ADMIN_TOKEN}
            values = {"grant_type": "client_credentials", "client_id": client_id}
            answers = []
            # The secret in the query string: GET on both paths, POST on oauth20.
            for path in ("/oauth/oauth20/token", "/oauth/oauth30/token"):
                answers.append(await http.get(path, params={**values, "client_secret": secret}))
            answers.append(
                await http.post("/oauth/oauth20/token", params={**values, "client_secret": secret})
            )
            # Wrong secrets in the query string, the form body and HTTP Basic.
            wrong = {"query": "wrong-secret-q1", "form": "wrong-secret-f2", "basic": "wrong-b3"}
            secrets |= {f"wrong secret ({k})": v for k, v in wrong.items()}
            answers.append(
                await http.get(
                    "/oauth/oauth20/token", params={**values, "client_secret": wrong["query"]}
                )
            )
            answers.append(
                await http.post(
                    "/oauth/oauth20/token", data={**values, "client_secret": wrong["form"]}
                )
            )
            answers.append(
                await http.get(
                    "/oauth/oauth20/token",
                    params={"grant_type": "client_credentials"},
                    auth=(client_id, wrong["basic"]),
                )
            )
            token = answers[0].json()["access_token"]
            secrets["access token"] = token
            # The token in the query string, raw in Authorization, in a scheme, in other headers.
            path = "/resellers/v6.1/invoices/NOPE"
            answers.append(
                await http.get(path, params={"access_token": token}, headers=xi_headers("x"))
            )
            answers.append(
                await http.get(path, headers={**xi_headers(token), "Authorization": token})
            )
            answers.append(await http.get(path, headers=xi_headers(token)))
            answers.append(
                await http.get(
                    "/resellers/v6/invoices",
                    params={"pageSize": "0", "subscription-key": token, "apikey": token},
                    headers={**xi_headers(token), "X-Api-Key": token, "Cookie": f"s={token}"},
                )
            )
            basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
            answers.append(
                await http.get(
                    path, headers={**xi_headers(token), "Authorization": f"Basic {basic}"}
                )
            )
            secrets["basic credentials"] = basic
    statuses = sorted({a.status_code for a in answers})
    assert statuses == [200, 400, 401, 404], statuses
    text = log.read_text()
    assert "DEBUG" in text
    assert "GET /oauth/oauth20/token?" in text  # the access log is on
    assert "client_secret=[redacted]" in text
    leaks = [
        (what, where)
        for what, value in secrets.items()
        for where, body in [
            ("log", text),
            *((f"answer {i}", a.text) for i, a in enumerate(answers)),
        ]
        if value in body and not (what == "access token" and where == "answer 0")
    ]
    assert not leaks, leaks
