"""Parameters, access, environments, lookback and error shapes of the Ingram routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from invoiceport.invoices.schemas import CanonicalInvoice
from invoiceport.ops.demo_setup import DemoSummary, load_demo
from tests.ingram.conftest import COUNT, SEED, get_invoice
from tests.ingram.contract import violations
from tests.oauth.support import (
    Client,
    app_client,
    bearer,
    make_settings,
    new_client,
    token_for,
)

SAMPLE = "20-12345-11"


def preamble(response: httpx.Response) -> dict[str, str]:
    preamble: dict[str, str] = response.json()["serviceresponse"]["responsepreamble"]
    return preamble


def assert_failed(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    found = preamble(response)
    assert found["responsestatus"] == "FAILED"
    assert found["statuscode"] == str(status)
    for word in words:
        assert word in found["responsemessage"]
    assert violations(response.json()) == []


@pytest.mark.usefixtures("demo")
async def test_parameter_names_in_any_case_or_as_headers(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    url = f"/resellers/v5/invoices/{SAMPLE}"
    for query in (
        "customerNumber=20-123456&isoCountryCode=UK",
        "customernumber=20-123456&isocountrycode=uk",
        "CUSTOMERNUMBER=20-123456&ISOCOUNTRYCODE=GB",
    ):
        response = await client.get(f"{url}?{query}", headers=auth)
        assert preamble(response)["statuscode"] == "200", query
    headers = {**auth, "IM-CustomerNumber": "20-123456", "IM-CountryCode": "UK"}
    assert preamble(await client.get(url, headers=headers))["statuscode"] == "200"


@pytest.mark.usefixtures("demo")
async def test_bad_parameters_are_400_naming_them(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    missing_customer = await get_invoice(client, auth, SAMPLE, customer=None)
    assert_failed(missing_customer, 400, "customerNumber")
    blank_customer = await get_invoice(client, auth, SAMPLE, customer="  ")
    assert_failed(blank_customer, 400, "customerNumber")
    assert_failed(await get_invoice(client, auth, SAMPLE, country=None), 400, "isoCountryCode")
    for country in ("U", "UKX", "1K", "é1"):
        response = await get_invoice(client, auth, SAMPLE, country=country)
        assert_failed(response, 400, "isoCountryCode")
    assert_failed(await get_invoice(client, auth, "9" * 65), 400, "invoiceNumber")
    assert_failed(await get_invoice(client, auth, SAMPLE, customer="C" * 65), 400, "customerNumber")


@pytest.mark.usefixtures("demo")
async def test_an_invalid_header_is_refused_even_when_the_query_wins(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """Found by schemathesis on the served spec: the header was ignored, not checked."""
    url = f"/resellers/v5/invoices/{SAMPLE}?customerNumber=20-123456&isoCountryCode=UK"
    for header, value in (("IM-CustomerNumber", "0" * 65), ("IM-CountryCode", "X" * 65)):
        response = await client.get(url, headers={**auth, header: value})
        assert_failed(response, 400, header)


@pytest.mark.usefixtures("demo")
async def test_the_routes_need_the_invoice_read_scope(client: httpx.AsyncClient) -> None:
    """A token without `invoice.read` was accepted (any valid token read Ingram invoices); a
    token requested without `scope` from a client made with the defaults still works."""
    narrow = await new_client(client, ["20-123456"], scopes=["invoice.history.read"], name="N")
    refused = await get_invoice(client, bearer(await token_for(client, narrow)), SAMPLE)
    assert_failed(refused, 403, "invoice.read")
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"]
    assert 'scope="invoice.read"' in refused.headers["www-authenticate"]
    default = await new_client(client, ["20-123456"], name="D")
    token = await token_for(client, default)  # no scope asked: all of the client's
    assert (await get_invoice(client, bearer(token), SAMPLE)).status_code == 200
    asked = await token_for(client, default, scope="invoice.read")
    assert (await get_invoice(client, bearer(asked), SAMPLE)).status_code == 200
    other = await token_for(client, default, scope="invoice.history.read")
    assert_failed(await get_invoice(client, bearer(other), SAMPLE), 403, "invoice.read")


@pytest.mark.usefixtures("demo")
async def test_access(client: httpx.AsyncClient, auth: dict[str, str]) -> None:
    # 100999 exists in the demo data but is not granted to the demo partner.
    response = await get_invoice(client, auth, SAMPLE, customer="100999")
    assert_failed(response, 403, "100999", "not granted")
    unknown = await get_invoice(client, {"Authorization": "Bearer nope"}, SAMPLE)
    assert_failed(unknown, 401, "token")
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    assert "x-ratelimit-limit" not in unknown.headers  # no client known before authentication
    absent = await get_invoice(client, {"Authorization": ""}, SAMPLE)
    assert_failed(absent, 401)


@pytest.mark.usefixtures("demo")
async def test_a_granted_customer_sees_only_its_own_invoices(
    client: httpx.AsyncClient, auth: dict[str, str], demo_docs: list[CanonicalInvoice]
) -> None:
    other = next(d for d in demo_docs if d.customer_number == "100234")
    # Asked as customer 20-123456, another customer's invoice number is simply not there.
    response = await get_invoice(client, auth, other.invoice_number, "20-123456")
    assert preamble(response)["statuscode"] == "EO"
    found = await get_invoice(client, auth, other.invoice_number, "100234", "US")
    assert preamble(found)["statuscode"] == "200"


@pytest.mark.usefixtures("demo")
async def test_sandbox_and_production_never_mix(
    client: httpx.AsyncClient, auth: dict[str, str], demo_docs: list[CanonicalInvoice]
) -> None:
    sandbox = next(d for d in demo_docs if d.environment == "sandbox")
    production = next(d for d in demo_docs if d.environment == "production")
    for doc, in_sandbox, code in (
        (sandbox, True, "200"),
        (sandbox, False, "EO"),
        (production, False, "200"),
        (production, True, "EO"),
    ):
        response = await get_invoice(
            client, auth, doc.invoice_number, doc.customer_number, "US", sandbox=in_sandbox
        )
        assert preamble(response)["statuscode"] == code, (doc.environment, in_sandbox)
    # The same credentials work on both (the sample exists in both environments).
    sample = await get_invoice(client, auth, SAMPLE, sandbox=True)
    assert preamble(sample)["statuscode"] == "200"


@pytest.mark.usefixtures("demo")
async def test_a_sales_order_number_finds_its_invoice(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    response = await get_invoice(client, auth, "20-12345")  # the sample's sales order
    assert preamble(response)["statuscode"] == "200"
    detail = response.json()["serviceresponse"]["invoicedetailresponse"]
    assert detail["invoicenumber"] == SAMPLE
    assert detail["globalorderid"] == "20-12345"


@pytest.mark.usefixtures("demo")
async def test_unknown_paths_and_methods_use_the_envelope(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    assert_failed(await client.get("/resellers/v5/nothing", headers=auth), 404)
    assert_failed(await client.get("/sandbox/resellers/v5/invoices", headers=auth), 404)
    response = await client.post(f"/resellers/v5/invoices/{SAMPLE}", headers=auth)
    assert_failed(response, 405)


@pytest.mark.parametrize(("months", "visible"), [(None, False), (12, True)])
async def test_the_lookback_window_is_a_setting(
    database_url: str, months: int | None, visible: bool
) -> None:
    values = {} if months is None else {"ingram_lookback_months": months}
    async with app_client(make_settings(database_url, **values)) as (app, http):
        summary: DemoSummary = await load_demo(app.state.context.engine, SEED, COUNT, reset=False)
        partner = Client(summary.partner_id, summary.client_id, summary.client_secret)
        # The sample was invoiced ten days ago; ten months on, it is outside nine months.
        later = datetime.now(UTC) + timedelta(days=300)
        app.state.context.clock = lambda: later
        headers = bearer(await token_for(http, partner))
        response = await get_invoice(http, headers, SAMPLE)
        assert preamble(response)["statuscode"] == ("200" if visible else "EO")


async def test_the_served_spec(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/ingram/openapi.json")).json()
    assert set(spec["paths"]) == {
        "/resellers/v5/invoices/{invoiceNumber}",
        "/sandbox/resellers/v5/invoices/{invoiceNumber}",
    }
    docs = await client.get("/docs/swagger-initializer.js")
    assert "/ingram/openapi.json" in docs.text
    assert "/oauth/openapi.json" in docs.text


@pytest.mark.usefixtures("demo")
async def test_control_characters_in_the_invoice_number(
    client: httpx.AsyncClient, auth: dict[str, str]
) -> None:
    """No stored number has one (the canonical model forbids them): "Invalid Invoice Number"."""
    for number in ("%00", "20-12345-11%00", "a%0Ab"):
        response = await get_invoice(client, auth, number)
        assert response.status_code == 200, response.text
        assert preamble(response)["statuscode"] == "EO"
    assert_failed(await get_invoice(client, auth, SAMPLE, customer="20-123456\x00"), 400)
