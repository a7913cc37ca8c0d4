"""The dialect's own OpenAPI document is a superset of the seed's, and `/docs` works offline."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from invoiceport.app import close, create_app
from invoiceport.dialects.scansource import openapi
from invoiceport.platform.docs_ui import ASSETS, register_spec
from invoiceport.platform.operator import name_operator
from invoiceport.settings import Settings

CONTRACT = Path(__file__).parent.parent / "contracts" / "scansource-invoice-openapi.yml"
PACKAGE_COPY = Path(openapi.__file__).with_name(openapi.SEED_FILE)


def seed() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONTRACT.read_text())
    return loaded


def resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def assert_schema_superset(
    seed_spec: dict[str, Any], ours_spec: dict[str, Any], theirs: Any, ours: Any, where: str
) -> None:
    """Every keyword of the seed's schema is in ours with the same value; properties recursively."""
    theirs, ours = resolve(seed_spec, theirs), resolve(ours_spec, ours)
    for keyword, value in theirs.items():
        if keyword == "properties":
            for name, schema in value.items():
                assert name in ours["properties"], f"{where}.{name}"
                assert_schema_superset(
                    seed_spec, ours_spec, schema, ours["properties"][name], f"{where}.{name}"
                )
        elif keyword == "items":
            assert_schema_superset(seed_spec, ours_spec, value, ours["items"], f"{where}[]")
        else:
            assert ours[keyword] == value, f"{where}: {keyword}"


def test_the_package_copy_is_the_contract_file_unchanged() -> None:
    assert PACKAGE_COPY.read_bytes() == CONTRACT.read_bytes()


def test_served_spec_is_a_superset_of_the_seed() -> None:
    theirs = seed()
    ours = openapi.build_spec(max_page_size=100)
    assert ours["openapi"] == theirs["openapi"]
    assert set(ours["paths"]) == set(theirs["paths"])
    for path, methods in theirs["paths"].items():
        assert set(ours["paths"][path]) == set(methods)
        for method, operation in methods.items():
            mine = ours["paths"][path][method]
            assert mine["operationId"] == operation["operationId"]
            assert mine["security"] == operation["security"]
            mine_params = {(p["name"], p["in"]): p for p in mine["parameters"]}
            for parameter in operation["parameters"]:
                found = mine_params[(parameter["name"], parameter["in"])]
                assert found["required"] == parameter["required"]
                for keyword, value in parameter["schema"].items():
                    assert found["schema"][keyword] == value, (path, parameter["name"])
            for status, response in operation["responses"].items():
                assert status in mine["responses"], (path, status)
                for media_type, content in response.get("content", {}).items():
                    assert_schema_superset(
                        theirs,
                        ours,
                        content["schema"],
                        mine["responses"][status]["content"][media_type]["schema"],
                        f"{path} {status} {media_type}",
                    )
    assert ours["components"]["securitySchemes"] == theirs["components"]["securitySchemes"]


def test_served_spec_documents_the_errors_and_the_classic_fields() -> None:
    ours = openapi.build_spec(max_page_size=50)
    summary = ours["paths"][openapi.SUMMARY]["get"]
    assert {"400", "401", "403", "406"} <= set(summary["responses"])
    assert {"401", "403", "404", "406"} <= set(ours["paths"][openapi.PDF]["get"]["responses"])
    page_size = next(p for p in summary["parameters"] if p["name"] == "pageSize")
    assert page_size["schema"] == {"type": "integer", "default": 20, "minimum": 1, "maximum": 50}
    detail = ours["components"]["schemas"]["InvoiceDetail"]["properties"]
    assert {"docType", "endUserPo", "shipDate", "cancelled", "salesRepName", "freightAmount",
            "insuranceAmount", "enteredByEmail", "shippingOption", "trackingNumbers",
            "dateEntered", "lastChanged"} <= set(detail)  # fmt: skip
    line = detail["lineItems"]["items"]["properties"]
    assert {"ordered", "committed", "backOrdered", "shipped", "deliveryNumber"} <= set(line)
    content = ours["paths"][openapi.DETAIL]["get"]["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/json", "application/xml", "text/xml"}
    assert content["application/xml"]["example"].count("<InvoiceLine>") == 1


@pytest.fixture
async def anonymous(tmp_path: Path) -> Any:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/docs.db",
        scansource_max_page_size=42,
        _env_file=None,  # type: ignore[call-arg]
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://invoiceport.test"
    ) as http:
        yield http
    await close(app)


async def test_the_spec_is_served_with_the_configured_maximum(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/scansource/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    spec = response.json()
    # The dialect's document with the server's operator as its contact, not ScanSource's.
    expected = name_operator(openapi.build_spec(42), Settings(_env_file=None))  # type: ignore[call-arg]
    assert expected["info"]["contact"] == {"name": "invoiceport demo supplier"}
    assert spec == yaml.safe_load(yaml.safe_dump(expected))
    assert spec["servers"] == [{"url": "/api", "description": "This server"}]


async def test_docs_work_offline(anonymous: httpx.AsyncClient) -> None:
    page = await anonymous.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references and all(ref.startswith("/docs/") for ref in references)  # no CDN
    for reference in references:
        asset = await anonymous.get(reference)
        assert asset.status_code == 200, reference
        assert asset.content, reference
    script = (await anonymous.get("/docs/swagger-initializer.js")).text
    assert '{"name": "ScanSource Invoice API", "url": "/scansource/openapi.json"}' in script
    assert "validatorUrl: null" in script  # no spec sent to validator.swagger.io
    bundle = await anonymous.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.headers["content-type"] == "text/javascript; charset=utf-8"
    assert len(bundle.content) > 100_000
    cached = await anonymous.get(
        "/docs/assets/swagger-ui-bundle.js", headers={"If-None-Match": bundle.headers["etag"]}
    )
    assert cached.status_code == 304
    assert (await anonymous.get("/docs/assets/index.html")).status_code == 404
    assert (await anonymous.get("/docs/assets/..%2Fswagger-ui.css")).status_code == 404
    assert set(ASSETS) >= {"swagger-ui.css", "swagger-ui-bundle.js"}


def test_register_spec_refuses_outside_urls_and_duplicates(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/x.db", _env_file=None))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="path on this server"):
        register_spec(app, "Elsewhere", "https://cdn.example.com/spec.json")
    with pytest.raises(ValueError, match="already registered"):
        register_spec(app, "ScanSource Invoice API", "/scansource/openapi.json")
