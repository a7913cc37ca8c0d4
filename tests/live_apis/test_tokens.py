"""The token shapes real clients call (real-clients.md), against a live server on both databases:
Okta-style `POST /oauth2/{server}/v1/token` (ABC Supply) and Azure-style
`POST /{tenant}/oauth2/v2.0/token` (ScanSource), over the one token service."""

from __future__ import annotations

import httpx

from tests.live_apis.conftest import World, new_client

OKTA = "/oauth2/aus1a2b3c4d5e6f7g8/v1/token"
AZURE = "/scansourceb2c.onmicrosoft.com/oauth2/v2.0/token"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _basic(world: World) -> httpx.BasicAuth:
    return httpx.BasicAuth(world.a.client_id, world.a.client_secret)


def test_okta_basic_auth_with_grant_and_scope_in_the_body(world: World) -> None:
    form = {"grant_type": "client_credentials", "scope": "invoice.read invoice.history.read"}
    answer = httpx.post(world.base + OKTA, data=form, auth=_basic(world))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "invoice.read invoice.history.read"
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    assert answer.headers["cache-control"] == "no-store"
    by_id = httpx.get(
        f"{world.base}/api/invoice/v1/invoices/id/2010452632-001",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert by_id.status_code == 200


def test_okta_grant_and_scope_in_the_query_with_an_empty_body(world: World) -> None:
    url = f"{world.base}{OKTA}?grant_type=client_credentials&scope=invoice.read"
    answer = httpx.post(url, content=b"", headers=FORM, auth=_basic(world))
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == "invoice.read"


def test_okta_form_credentials_and_all_scopes_without_scope(world: World) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": world.a.client_id,
        "client_secret": world.a.client_secret,
    }
    answer = httpx.post(world.base + OKTA, data=form)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()["scope"].split()) >= {"invoice.read", "invoice.history.read"}


def test_okta_invalid_scope_then_a_retry_with_fewer_scopes(world: World) -> None:
    client_id, secret = new_client(world, world.a, ["invoice.read"])
    auth = httpx.BasicAuth(client_id, secret)
    asked = {"grant_type": "client_credentials", "scope": "invoice.read invoice.history.read"}
    refused = httpx.post(world.base + OKTA, data=asked, auth=auth)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
    assert "invoice.history.read" in refused.json()["error_description"]
    retried = httpx.post(world.base + OKTA, data={**asked, "scope": "invoice.read"}, auth=auth)
    assert retried.status_code == 200
    assert retried.json()["scope"] == "invoice.read"


def test_okta_refusals_are_rfc_6749_errors(world: World) -> None:
    url = world.base + OKTA
    wrong = httpx.BasicAuth(world.a.client_id, "not-the-secret")
    answer = httpx.post(url, data={"grant_type": "client_credentials"}, auth=wrong)
    assert (answer.status_code, answer.json()["error"]) == (401, "invalid_client")
    assert answer.headers["www-authenticate"].startswith("Basic")
    answer = httpx.post(url, data={"grant_type": "password"}, auth=_basic(world))
    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")
    answer = httpx.post(url, data={}, auth=_basic(world))
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")
    in_query = f"{url}?grant_type=client_credentials&client_secret={world.a.client_secret}"
    answer = httpx.post(in_query, data={"client_id": world.a.client_id})
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")
    assert "query string" in answer.json()["error_description"]
    both = f"{url}?grant_type=client_credentials"
    answer = httpx.post(both, data={"grant_type": "password"}, auth=_basic(world))
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")
    answer = httpx.get(url)
    assert answer.status_code == 405
    assert answer.json()["error"] == "invalid_request"


def test_azure_default_scope_means_all_of_the_clients_scopes(world: World) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": world.a.client_id,
        "client_secret": world.a.client_secret,
        "scope": "https://scansourceb2c.onmicrosoft.com/invoice-api/.default",
    }
    headers = {"Ocp-Apim-Subscription-Key": world.a.api_key}
    answer = httpx.post(world.base + AZURE, data=form, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body["scope"].split()) >= {"invoice.read", "invoice.history.read"}
    detail = httpx.get(
        f"{world.base}/scsc/invoice/v1/detail?customerNumber=C100&InvoiceNumber=INV-1001",
        headers={**headers, "Authorization": f"Bearer {body['access_token']}"},
    )
    assert detail.status_code == 200, detail.text


def test_azure_named_scopes_and_invalid_scope(world: World) -> None:
    client_id, secret = new_client(world, world.b, ["invoice.read"])
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    named = {**form, "scope": "https://scansourceb2c.onmicrosoft.com/api/invoice.read"}
    answer = httpx.post(world.base + AZURE, data=named)
    assert (answer.status_code, answer.json()["scope"]) == (200, "invoice.read")
    default = httpx.post(world.base + AZURE, data={**form, "scope": "api://x/.default"})
    assert (default.status_code, default.json()["scope"]) == (200, "invoice.read")
    refused = httpx.post(world.base + AZURE, data={**form, "scope": "invoice.history.read"})
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_scope")
    wrong = httpx.post(world.base + AZURE, data={**form, "client_secret": "nope"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")


def test_docs_lists_every_new_served_spec(world: World) -> None:
    script = httpx.get(world.base + "/docs/swagger-initializer.js").text
    for url, title in (
        ("/abcsupply/live/openapi.json", "ABC Supply live API (invoiceport)"),
        (
            "/scansource/scsc/openapi.json",
            "ScanSource Invoice API (current generation) (invoiceport)",
        ),
        ("/oauth2/openapi.json", "invoiceport OAuth 2.0 token endpoints (Okta and Azure AD paths)"),
    ):
        assert f'"url": "{url}"' in script
        spec = httpx.get(world.base + url).json()
        assert spec["openapi"].startswith("3.") and spec["info"]["title"] == title
