"""The served spec: OpenAPI 3.1, listed on /docs, and naming exactly the routes the app serves
under /v1/ (a route added without its spec, or the reverse, fails here). Schemathesis reads it
in test_schemathesis.py."""

from __future__ import annotations

from invoiceport.settings import Settings
from tests.hardening.support import app_routes
from tests.oauth.support import app_client


async def test_spec_is_served_listed_and_complete(settings: Settings) -> None:
    async with app_client(settings) as (app, http):
        spec = (await http.get("/v1/openapi.json")).json()
        listed = (await http.get("/docs/swagger-initializer.js")).text
    assert spec["openapi"] == "3.1.0"
    assert "/v1/openapi.json" in listed
    served = {
        (route.method.lower(), route.path)
        for route in app_routes(app)
        if route.path.startswith("/v1/") and route.path != "/v1/openapi.json"
    }
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert served == documented
