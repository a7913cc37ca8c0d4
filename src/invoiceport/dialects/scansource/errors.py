"""ScanSource errors in the shape of Azure API Management, which fronts the real API.

`{"statusCode": 401, "message": "Access denied due to missing subscription key. ..."}`: every error
under `/api/` (the dialect's 400/401/403/404/406, FastAPI's own 404/405, a 503 when the database is
down) comes out this way, through `register_error_shape`.
"""

from __future__ import annotations

from fastapi.responses import Response

from invoiceport.platform.web import ApiError, dump_json

PREFIX = "/api/"
HEADER = "Ocp-Apim-Subscription-Key"

# The messages Azure API Management itself sends for a missing or wrong subscription key.
MISSING_KEY = (
    "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API."
)
INVALID_KEY = (
    "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription."
)
INVALID_CUSTOMER = "invalid customer number"
INVOICE_NOT_FOUND = "Invoice not found"
RESOURCE_NOT_FOUND = "Resource not found"


def render_error(
    status: int, message: str, errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    """The APIM body; a framework 404 for an unknown path says what APIM says."""
    if status == 404 and message == "Not Found":
        message = RESOURCE_NOT_FOUND
    elif status == 500:
        message = "Internal server error"
    body = dump_json({"statusCode": status, "message": message})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def unauthorized(message: str) -> ApiError:
    # RFC 9110 wants a challenge on every 401; this names the header the key goes in.
    return ApiError(401, message, headers={"WWW-Authenticate": 'ApiKey header="' + HEADER + '"'})


def forbidden_customer() -> ApiError:
    return ApiError(403, INVALID_CUSTOMER)


def bad_parameter(message: str) -> ApiError:
    return ApiError(400, message)


def invoice_not_found() -> ApiError:
    return ApiError(404, INVOICE_NOT_FOUND)
