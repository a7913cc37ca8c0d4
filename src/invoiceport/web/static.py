"""The one stylesheet of the portal and console (no build step)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from starlette.responses import Response

router = APIRouter(include_in_schema=False)


@cache
def _css() -> bytes:
    return files("invoiceport.web").joinpath("static/style.css").read_bytes()


@router.get("/assets/style.css")
async def stylesheet() -> Response:
    return Response(
        _css(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
