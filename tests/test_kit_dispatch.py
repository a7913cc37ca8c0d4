"""The kit's dispatch (`kit.dispatch`): every route of every dialect is found by its table and
served by its pipeline, including a dialect added after the app was built; anything else goes to
FastAPI as before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import JSONResponse, Response

from invoiceport import kit
from invoiceport.kit import ApiKey, Dialect
from invoiceport.kit.dispatch import KitDispatch
from invoiceport.kit.front import KitFront, dispatch_of
from invoiceport.platform.db import DatabaseUnavailable
from invoiceport.platform.web import ApiError
from tests.oauth.support import app_client, make_settings, new_client

KEY_HEADER = "X-Probe-Key"


def _render(
    status: int, message: str, _errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    return JSONResponse({"probe_error": message}, status, headers=headers)


PROBE = Dialect(
    "probe",
    ApiKey(KEY_HEADER, ApiError(401, "no key"), ApiError(401, "bad key")),
    _render,
    prefixes=("/probe/",),
)


def _scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": ""}


def _dispatch(app: FastAPI) -> KitDispatch:
    dispatch = dispatch_of(app)
    assert isinstance(dispatch, KitFront)  # in front of the whole stack, not the router
    return dispatch


@pytest.fixture
async def probe(database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with app_client(make_settings(database_url)) as (app, http):
        # A plain route first, then a dialect's routes, one of which the plain one shadows.
        @app.get("/probe/plain/{thing}")
        async def plain(thing: str) -> JSONResponse:
            return JSONResponse({"plain": thing})

        router = APIRouter(prefix="/probe", route_class=kit.route_class(PROBE))

        @router.get("/items/{item}")
        @kit.reads(lambda request: kit.Read(account=request.path_params["item"]))
        async def item(request: Request, who: kit.Caller) -> JSONResponse:
            item = request.path_params["item"]
            return JSONResponse({"item": item, "granted": who.may_see(item)})

        @router.get("/boom/{how}")
        @kit.reads(lambda request: kit.Read())
        async def boom(how: Annotated[str, Path()], who: kit.Caller) -> JSONResponse:
            if how == "unavailable":
                raise DatabaseUnavailable("TimeoutError")  # the app's handler: a 503
            raise RuntimeError("a bug")  # the app's 500 handler, then raised for the server

        @router.get("/plain/{other}")
        async def shadowed(request: Request, who: kit.Caller) -> JSONResponse:
            return JSONResponse({"kit": request.path_params["other"]})

        kit.install(app, PROBE, router)
        yield app, http


async def test_the_dialects_routes_are_in_the_table(probe: tuple[FastAPI, Any]) -> None:
    app, _http = probe
    dispatch = _dispatch(app)
    found = dispatch._match(_scope("/probe/items/C100"))
    assert found is not None and found[1] == {"item": "C100"}
    assert found[0].route.path == "/probe/items/{item}"  # what the metrics label by
    detail = dispatch._match(_scope("/api/invoice/detail/C100/INV-1"))
    assert detail is not None and detail[0].route.path.endswith("{invoiceNumber}")
    abc = dispatch._match(_scope("/api/invoice/v1/invoices/INV-1"))
    assert abc is not None and abc[0].route.path == "/api/invoice/v1/invoices/{invoiceId}"
    ingram = dispatch._match(_scope("/resellers/v5/invoices/INV-1"))
    assert ingram is not None


async def test_what_is_not_a_kit_route_goes_to_fastapi(probe: tuple[FastAPI, Any]) -> None:
    app, _http = probe
    dispatch = _dispatch(app)
    assert dispatch._match(_scope("/healthz")) is None
    assert dispatch._match(_scope("/probe/items/C100", "POST")) is None  # FastAPI's 405
    assert dispatch._match(_scope("/probe/items/C100/")) is None  # FastAPI's 404
    assert dispatch._match(_scope("/probe/plain/x")) is None  # an earlier plain route's path


async def test_answers_through_the_dispatch(probe: tuple[FastAPI, httpx.AsyncClient]) -> None:
    _app, http = probe
    partner = await new_client(http, ["C100"])
    created = await http.post(f"/admin/v1/partners/{partner.partner_id}/api-keys")
    assert created.status_code == 201, created.text
    key = {KEY_HEADER: created.json()["key"]}

    granted = await http.get("/probe/items/C100", headers=key)
    assert granted.status_code == 200 and granted.json() == {"item": "C100", "granted": True}
    other = await http.get("/probe/items/C200", headers=key)
    assert other.json() == {"item": "C200", "granted": False}
    refused = await http.get("/probe/items/C100", headers={KEY_HEADER: "nope"})
    assert refused.status_code == 401 and refused.json() == {"probe_error": "bad key"}
    wrong_method = await http.post("/probe/items/C100", headers=key)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "GET"
    assert wrong_method.json() == {"probe_error": "Method Not Allowed"}
    shadowed = await http.get("/probe/plain/x", headers=key)
    assert shadowed.json() == {"plain": "x"}  # FastAPI's first match, as before

    metrics = (await http.get("/metrics")).text
    assert 'route="/probe/items/{item}",status="200"' in metrics
    assert 'route="/probe/items/{item}",status="401"' in metrics


async def test_the_front_does_what_the_middleware_did(
    probe: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    """Errors a kit route raises are answered by the app's handlers in the dialect's shape and
    counted under the route; a bug is a 500 and is raised again for the server to log; an
    over-long URL is refused before any route, as before."""
    app, http = probe
    partner = await new_client(http, ["C100"])
    created = await http.post(f"/admin/v1/partners/{partner.partner_id}/api-keys")
    key = {KEY_HEADER: created.json()["key"]}

    unavailable = await http.get("/probe/boom/unavailable", headers=key)
    assert unavailable.status_code == 503 and unavailable.headers["retry-after"] == "5"
    assert unavailable.json() == {"probe_error": "service unavailable, try again shortly"}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as quiet:
        bug = await quiet.get("/probe/boom/bug", headers=key)
    assert bug.status_code == 500 and bug.json() == {"probe_error": "internal error"}
    with pytest.raises(RuntimeError, match="a bug"):
        await http.get("/probe/boom/bug", headers=key)

    long = await http.get("/probe/items/" + "C" * 17_000, headers=key)
    assert long.status_code == 414 and "URL too long" in long.json()["probe_error"]

    metrics = (await http.get("/metrics")).text
    assert 'route="/probe/boom/{how}",status="503"' in metrics
    assert 'route="/probe/boom/{how}",status="500"' in metrics
    assert 'route="unmatched",status="414"' in metrics
