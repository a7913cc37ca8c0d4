"""XI errors: the reference's `ErrorResponse`, `{"errors": [{"id", "type", "message", "fields"}]}`.

A parameter problem names the parameter in `fields` (`{"field", "value", "message"}`), as
Ingram's own 400s do. Every error under the prefixes (the framework's 404/405 and a 503 of a
database outage too) takes this shape.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import Response

from invoiceport.platform.web import ApiError, JSONBytesResponse

PREFIXES = (
    "/resellers/v6/",
    "/resellers/v6.1/",
    "/sandbox/resellers/v6/",
    "/sandbox/resellers/v6.1/",
)
_SEPARATOR = "\x1f"
_TYPES = {
    400: "/errors/validation-failed",
    401: "/errors/unauthorized",
    403: "/errors/forbidden",
    404: "/errors/not-found",
    405: "/errors/method-not-allowed",
    406: "/errors/not-acceptable",
    429: "/errors/too-many-requests",
    500: "InternalServerError",
    503: "/errors/service-unavailable",
}


def field_error(field: str, value: str | None, message: str) -> ApiError:
    """A 400 naming one parameter (the value as sent, at most 40 characters of it)."""
    shown = "" if value is None else value[:40]
    return ApiError(400, "Validation failed", [f"{field}{_SEPARATOR}{message}{_SEPARATOR}{shown}"])


def _field(entry: str) -> dict[str, Any]:
    field, _, rest = entry.partition(_SEPARATOR)
    message, _, value = rest.partition(_SEPARATOR)
    if not message:  # a plain message (the framework's validation errors)
        return {"field": "", "value": "", "message": field}
    return {"field": field, "value": value, "message": message}


def render_error(
    status: int,
    message: str,
    errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if status == 500:
        message = "internal error"
    error = {
        "id": uuid.uuid4().hex,
        "type": _TYPES.get(status, f"/errors/http-{status}"),
        "message": message,
        "fields": [_field(e) for e in errors or ()],
    }
    return JSONBytesResponse({"errors": [error]}, status_code=status, headers=headers)
