"""The kit's dispatch: every dialect route found by a table, in front of FastAPI.

FastAPI finds a route by trying each one's regular expression in turn (about 40 today, more with
every dialect), through its included routers, and runs it inside two exit stacks kept for
dependencies with `yield`, which the kit never runs. The kit's dispatch is the app's outermost
layer (`kit.front`, which also does what the middleware would have done), and serves every
route of every dialect's `route_class` itself: a path's segment count and first segment lead to
the few routes that can match it, and the route's pipeline (`kit.pipeline.handler`) answers.
Everything else, and any path that is not a whole match of a method a kit route serves (a 404, a
405), goes on to FastAPI as before, so answers do not change (tests/replay).

The table is built from the app's routes, in their order, when the routes change: a dialect
installed later is dispatched the same way, with nothing to register.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


@dataclass(frozen=True, slots=True)
class Target:
    """One kit route as the app serves it (its included routers' prefixes applied)."""

    route: Any
    """The route object FastAPI would put in the scope (metrics label by its `path`)."""
    endpoint: Callable[..., Any]
    regex: re.Pattern[str]
    convertors: dict[str, Any]
    methods: frozenset[str]
    handler: Handler


def _key(path: str) -> tuple[int, str]:
    """A path's number of segments and its first one: the bucket its routes are in."""
    parts = path.split("/")
    return len(parts), parts[1] if len(parts) > 1 else ""


def _template_key(template: str) -> tuple[int, str] | None:
    """The bucket of a route's template; None when its first segment is a parameter or a
    parameter can span segments (`{x:path}`): such a route is left to FastAPI."""
    if ":path}" in template:
        return None
    count, first = _key(template)
    return None if "{" in first else (count, first)


def _flatten(routes: list[Any]) -> Iterator[Any]:
    """Every route FastAPI tries, in its order, included routers opened."""
    for route in routes:
        candidates = getattr(route, "effective_candidates", None)
        if candidates is not None:
            yield from _flatten(candidates())
        else:
            yield route


def _handler_of(route: Any) -> Handler | None:
    original = getattr(route, "original_route", route)
    make = getattr(original, "kit_handler", None)
    return make() if make is not None else None


def _shadowed(target_template: str, earlier: list[Any], methods: frozenset[str]) -> bool:
    """An earlier route that the kit does not dispatch takes some of the paths of this one (a
    path made of the template's parameter names matches it): FastAPI would serve them by that
    route, so the kit leaves this one to FastAPI too (slower, never different)."""
    probe = re.sub(r"\{([^}:]+)(:[^}]*)?\}", r"\1", target_template)
    for route in earlier:
        regex = getattr(route, "path_regex", None)
        route_methods = getattr(route, "methods", None)
        if regex is None or regex.match(probe) is None:
            continue
        if route_methods is None or methods & set(route_methods):
            return True
    return False


def build(routes: list[Any]) -> dict[tuple[int, str], list[Target]]:
    table: dict[tuple[int, str], list[Target]] = {}
    earlier: list[Any] = []
    for route in _flatten(routes):
        handler = _handler_of(route)
        template: str = getattr(route, "path", None) or ""
        key = _template_key(template) if template else None
        methods = frozenset(getattr(route, "methods", None) or ())
        limited = getattr(route, "max_body_size", None) is not None  # FastAPI enforces it
        if handler is None or key is None or not methods or limited:
            earlier.append(route)
            continue
        if _shadowed(template, earlier, methods):
            earlier.append(route)  # and the routes after it that it shadows in turn
            continue
        original = getattr(route, "original_route", route)
        target = Target(
            original,
            route.endpoint,
            route.path_regex,
            dict(route.param_convertors),
            methods,
            handler,
        )
        table.setdefault(key, []).append(target)  # kit routes among themselves: in order
    return table


class KitDispatch:
    """ASGI: a kit route's request straight to its pipeline; any other to `app`.

    `kit.front.KitFront` is this in front of the whole middleware stack; this itself is put in
    front of the router when the stack holds a layer the front does not know."""

    def __init__(self, app: ASGIApp, router: Any) -> None:
        self.app = app
        self.router = router
        self._version: object = None
        self._table: dict[tuple[int, str], list[Target]] = {}
        self._routers: tuple[Any, ...] = ()
        self._counted = False

    def _routes_version(self) -> object:
        """FastAPI's routes version (its routers' counts of changes, summed) from the routers
        the table was built from: asking FastAPI walks every route on every request. A router
        included since bumps the version of one of these."""
        if self._counted:  # FastAPI's routers: their counters only grow, so their sum is exact
            return sum(map(_ROUTES_VERSION, self._routers))
        return tuple(_version_of(router) for router in self._routers)

    def table(self) -> dict[tuple[int, str], list[Target]]:
        version = self._routes_version()
        if version != self._version or not self._routers:
            self._routers = tuple(_routers(self.router))
            self._counted = all(hasattr(r, "_routes_version") for r in self._routers)
            self._table = build(self.router.routes)
            self._version = self._routes_version()
        return self._table

    def _match(self, scope: Scope) -> tuple[Target, dict[str, Any]] | None:
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        candidates = self.table().get(_key(path))
        if not candidates:
            return None
        method = scope["method"]
        for target in candidates:
            found = target.regex.match(path)
            if found is None:
                continue
            if method not in target.methods:
                return None  # FastAPI answers (a 405, or another route of this path)
            params = found.groupdict()
            for name, value in params.items():
                params[name] = target.convertors[name].convert(value)
            return target, params
        return None

    def _enter(self, scope: Scope, target: Target, params: dict[str, Any]) -> None:
        """What FastAPI's router puts in the scope for the route it found."""
        scope.setdefault("router", self.router)
        scope["endpoint"] = target.endpoint
        scope["route"] = target.route
        scope["path_params"] = {**scope.get("path_params", {}), **params}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        matched = self._match(scope)
        if matched is None:
            await self.app(scope, receive, send)
            return
        target, params = matched
        self._enter(scope, target, params)
        response = await target.handler(Request(scope, receive, send))
        await response(scope, receive, send)


_ROUTES_VERSION = attrgetter("_routes_version")


def _version_of(router: Any) -> int:
    version = getattr(router, "_routes_version", None)  # FastAPI's; a Starlette router: count
    return int(version) if version is not None else len(router.routes)


def _routers(router: Any) -> Iterator[Any]:
    """`router` and every router included in it, each once."""
    seen: set[int] = set()
    pending = [router]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for route in current.routes:
            included = getattr(route, "original_router", None)
            if included is not None:
                pending.append(included)
