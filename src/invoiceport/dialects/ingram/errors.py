"""Ingram errors: the `serviceresponse` envelope with a FAILED preamble naming the HTTP status.

`{"serviceresponse": {"responsepreamble": {"responsestatus": "FAILED", "statuscode": "403",
"responsemessage": "..."}}}`: a client that reads the preamble of every answer finds the problem
there, and the body still validates against Ingram's schema. Every error under the dialect's
prefixes (FastAPI's own 404/405 and the 503 of a database outage too) comes out this way.
"""

from __future__ import annotations

from fastapi.responses import Response

from invoiceport.dialects.ingram.views import failure
from invoiceport.platform.web import ApiError, JSONBytesResponse

PREFIXES = ("/resellers/v5/", "/sandbox/resellers/v5/")


class IngramError(ApiError):
    """An error of this dialect; the kit renders it with `render_error`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers=headers)

    @property
    def status(self) -> int:
        return self.status_code


def render_error(
    status: int,
    message: str,
    _errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if status == 500:
        message = "internal error"
    return JSONBytesResponse(failure(status, message), status_code=status, headers=headers)
