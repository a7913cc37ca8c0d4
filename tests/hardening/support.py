"""What the hardening tests share: the app's routes enumerated from the app itself, the credentials
each route family takes, and the check every answer to hostile input must pass."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette.routing import BaseRoute

from tests.conftest import ADMIN_TOKEN

NO_LIMITS = {"ingram": "off", "scansource": "off", "abcsupply": "off"}
"""Thousands of requests a minute are the point here; the limits are tested in tests/ratelimit."""

GRANTED = "100234"  # a demo customer granted to the demo partner
TRACEBACK = re.compile(r"Traceback|File \"|\.py\", line|sqlalchemy|asyncpg|psycopg", re.I)


@dataclass(frozen=True)
class Route:
    method: str
    path: str

    @property
    def params(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)

    def fill(self, values: dict[str, str]) -> str:
        return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values.get(m.group(1), "1"), self.path)


def _walk(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from _walk(list(route.effective_candidates()))  # type: ignore[arg-type]
        else:
            yield route


def app_routes(app: FastAPI) -> list[Route]:
    """Every (method, path) the app serves, read from the app: a new route is covered unasked."""
    found: set[Route] = set()
    for route in _walk(list(app.routes)):
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or ():
            if path and method != "HEAD":
                found.add(Route(method, path))
    return sorted(found, key=lambda r: (r.path, r.method))


@dataclass(frozen=True)
class Credentials:
    api_key: str
    token: str

    def headers_for(self, path: str) -> dict[str, str]:
        """The credential each route family takes, so hostile values get past authentication."""
        if path.startswith("/admin"):
            return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        if re.match(r"/api/invoice/(summary|list|detail|pdf)/", path):
            return {"Ocp-Apim-Subscription-Key": self.api_key}
        if path.startswith("/scsc/"):  # ScanSource's current generation takes both
            return {
                "Ocp-Apim-Subscription-Key": self.api_key,
                "Authorization": f"Bearer {self.token}",
            }
        return {"Authorization": f"Bearer {self.token}"}


def problems(response: httpx.Response) -> list[str]:
    """Why an answer to hostile input is unacceptable (empty when it is fine): a 5xx, a
    traceback or driver name in the body, or an error that says nothing."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    body = response.content[:20_000].decode("utf-8", "replace")
    if TRACEBACK.search(body):
        found.append("internals in the body")
    if response.status_code >= 400 and len(body.strip()) < 10:
        found.append("an error that names no problem")
    return found


def describe(response: httpx.Response) -> str:
    request = response.request
    shown: Any = response.content[:300]
    return f"{request.method} {str(request.url)[:200]} -> {response.status_code} {shown!r}"
