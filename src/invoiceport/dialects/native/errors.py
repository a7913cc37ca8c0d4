"""Errors of the native API as RFC 9457 problem details (`application/problem+json`).

`{"type": "urn:invoiceport:problem:invalid-parameter", "title": "Invalid parameter",
"status": 400, "detail": "limit: expected a whole number from 1 to 100", "parameter": "limit"}`.
Every error under `/v1/` (the framework's 404 and 405 and the 503 of a database outage too)
comes out this way. An error about one request parameter names it in `parameter`; errors found by
the framework's validation list every parameter in `errors` (`[{"parameter", "detail"}]`).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import Response

from invoiceport.platform.web import ApiError, dump_json

PREFIXES = ("/v1/",)
MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:invoiceport:problem:"

# status -> (type slug, title)
_KINDS: dict[int, tuple[str, str]] = {
    400: ("invalid-parameter", "Invalid parameter"),
    401: ("unauthorized", "Missing or invalid credential"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "No acceptable media type"),
    409: ("conflict", "Conflict"),
    410: ("cursor-expired", "Cursor expired"),
    413: ("too-large", "Request too large"),
    414: ("uri-too-long", "URI too long"),
    422: ("unprocessable", "Unprocessable request"),
    429: ("rate-limited", "Too many requests"),
    431: ("headers-too-large", "Request headers too large"),
    503: ("unavailable", "Service unavailable"),
}


class Problem(ApiError):
    """A native API error; `parameter` names the request parameter at fault, if one is."""

    def __init__(
        self,
        status: int,
        detail: str,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        # The parameter travels as the first error, "name: detail" (the kit passes `errors`).
        errors = [f"{parameter}: {detail}"] if parameter is not None else None
        super().__init__(status, detail, errors, headers)
        self.parameter = parameter


def bad_parameter(parameter: str, detail: str) -> Problem:
    return Problem(400, f"{parameter}: {detail}", parameter)


_NAMED = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]{0,63}): ")


def _split(error: str) -> dict[str, str]:
    name, sep, detail = error.partition(": ")
    if not sep:
        return {"detail": error}
    # FastAPI's locations are "path.customer_number", "query.limit": the name is the last part.
    return {"parameter": name.rpartition(".")[2], "detail": detail}


def problem_body(status: int, message: str, errors: list[str] | None) -> dict[str, Any]:
    slug, title = _KINDS.get(status, ("error", "Error"))
    if status == 500:
        slug, title, message = "internal", "Internal error", "internal error"
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": message,
    }
    if not errors and status == 400 and _NAMED.match(message):
        errors = [message]  # the kit's shared checks say "name: problem"
    if errors:
        items = [_split(error) for error in errors]
        first = items[0].get("parameter")
        if first is not None:
            body["parameter"] = first
        if len(items) > 1 or "parameter" not in items[0]:
            body["errors"] = items
    return body


def render_error(
    status: int, message: str, errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    body = dump_json(problem_body(status, message, errors))
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)
