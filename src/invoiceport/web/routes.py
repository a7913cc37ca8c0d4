"""The pages' route class: found by the kit's dispatch table, like every dialect route.

FastAPI finds a plain route by trying each route's regular expression in turn (the portal's come
after every dialect's, about 80 of them) and calls it through its dependency machinery. A page
route takes the request and text path parameters and nothing else, so the kit's dispatch
(`kit.dispatch`, inside the app's middleware and error handlers, the same answers) calls it
directly. A route with any other parameter is left to FastAPI, which validates it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, get_type_hints

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    def kit_handler(self) -> Handler | None:
        """The endpoint called with the request and its path parameters, as FastAPI calls it;
        None (FastAPI serves it) unless every parameter but the request is text."""
        endpoint = self.endpoint
        hints = get_type_hints(endpoint)
        names = tuple(inspect.signature(endpoint).parameters)
        if not names or hints.get(names[0]) is not Request:
            return None
        path = tuple(names[1:])
        if any(hints.get(name) is not str for name in path):
            return None

        async def handle(request: Request) -> Response:
            params = request.path_params
            response: Response = await endpoint(request, **{name: params[name] for name in path})
            return response

        return handle
