"""`pdf_response` behind a tiny Starlette app: ETag, 304, Content-Disposition, lazy rendering."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoiceport.pdf.http import (
    content_disposition,
    etag_for,
    if_none_match_matches,
    pdf_response,
)

PDF = b"%PDF-1.4 test body"
SOURCE = "production/C-1/INV-7/3"


class Renderer:
    """Counts renders, so the tests can tell a 304 rendered nothing."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return PDF


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
async def client(renderer: Renderer) -> AsyncIterator[httpx.AsyncClient]:
    def invoice_pdf(request: Request) -> Response:
        filename = request.query_params.get("name", "INV-7")
        return pdf_response(request, renderer, etag_source=SOURCE, filename=filename)

    app = Starlette(routes=[Route("/pdf", invoice_pdf, methods=["GET", "POST"])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_sends_the_pdf_with_etag_and_download_headers(
    client: httpx.AsyncClient, renderer: Renderer
) -> None:
    response = await client.get("/pdf")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["etag"] == etag_for(SOURCE)
    assert response.headers["etag"].startswith('"')  # strong: no W/ prefix
    assert response.headers["content-disposition"] == 'attachment; filename="INV-7.pdf"'
    assert response.headers["cache-control"].split(", ")[0] == "private"
    assert renderer.calls == 1


@pytest.mark.parametrize(
    "if_none_match",
    [
        "{etag}",
        "W/{etag}",
        '"other", {etag}',
        '"a",W/"b" ,  {etag} ',
        "*",
    ],
)
async def test_matching_if_none_match_gets_304_without_rendering(
    client: httpx.AsyncClient, renderer: Renderer, if_none_match: str
) -> None:
    etag = (await client.get("/pdf")).headers["etag"]
    response = await client.get("/pdf", headers={"If-None-Match": if_none_match.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert "content-disposition" not in response.headers
    assert renderer.calls == 1  # only the first request rendered


@pytest.mark.parametrize(
    "if_none_match",
    [
        '"0123456789abcdef0123456789abcdef"',
        'W/"0123456789abcdef"',
        "{bare}",  # an unquoted tag is not an entity-tag
        "",
        '"{bare}-suffix"',
    ],
)
async def test_other_etags_get_the_pdf(
    client: httpx.AsyncClient, renderer: Renderer, if_none_match: str
) -> None:
    bare = etag_for(SOURCE).strip('"')
    response = await client.get("/pdf", headers={"If-None-Match": if_none_match.format(bare=bare)})
    assert response.status_code == 200
    assert response.content == PDF
    assert renderer.calls == 1


async def test_matching_etag_on_an_unsafe_method_is_412(
    client: httpx.AsyncClient, renderer: Renderer
) -> None:
    response = await client.post("/pdf", headers={"If-None-Match": etag_for(SOURCE)})
    assert response.status_code == 412
    assert renderer.calls == 0


async def test_filename_is_sanitised_in_the_header(client: httpx.AsyncClient) -> None:
    response = await client.get("/pdf", params={"name": '../../etc/"passwd"\r\nX-Evil: 1'})
    header = response.headers["content-disposition"]
    assert header == 'attachment; filename="etc_passwd_X-Evil_1.pdf"'


def test_etag_depends_on_the_whole_source() -> None:
    assert etag_for(SOURCE) == etag_for(SOURCE)
    assert etag_for(SOURCE) != etag_for("production/C-1/INV-7/4")
    assert etag_for(SOURCE) != etag_for("sandbox/C-1/INV-7/3")
    assert len(etag_for(SOURCE)) == 34


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("INV-123", 'attachment; filename="INV-123.pdf"'),
        ("INV-123.PDF", 'attachment; filename="INV-123.pdf"'),
        ("CM 2024/0001", 'attachment; filename="CM_2024_0001.pdf"'),
        ("..\\..\\boot.ini", 'attachment; filename="boot.ini.pdf"'),
        ("", 'attachment; filename="invoice.pdf"'),
        ("...", 'attachment; filename="invoice.pdf"'),
        (
            "Rechnung Müller",
            'attachment; filename="Rechnung_Muller.pdf"; '
            "filename*=UTF-8''Rechnung_M%C3%BCller.pdf",
        ),
        (
            "請求書-42",
            "attachment; filename=\"42.pdf\"; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8-42.pdf",
        ),
        (
            "Ελλάδα",
            'attachment; filename="invoice.pdf"; '
            "filename*=UTF-8''%CE%95%CE%BB%CE%BB%CE%AC%CE%B4%CE%B1.pdf",
        ),
    ],
)
def test_content_disposition(filename: str, expected: str) -> None:
    assert content_disposition(filename) == expected


def test_content_disposition_limits_the_length() -> None:
    header = content_disposition("A" * 500)
    assert header == f'attachment; filename="{"A" * 120}.pdf"'


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (None, False),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ('"x","y"', False),
        ('"ab"', False),
        ("abc", False),
        ('"a,b", "abc"', True),  # a comma inside a tag is legal
        (" * ", True),
    ],
)
def test_if_none_match_parsing(header: str | None, matches: bool) -> None:
    assert if_none_match_matches(header, '"abc"') is matches
