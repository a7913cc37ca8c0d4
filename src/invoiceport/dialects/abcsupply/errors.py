"""ABC Supply errors: `{"status": 403, "error": "Forbidden", "message": "..."}`.

The seed lists status codes (400, 403, 404, 502) but no error body, so this dialect answers in
the Spring-style shape its JSON otherwise resembles: the status, its reason phrase and a message
naming the problem (plus `errors` when there are several). Every error under `/api/invoice/v1/`
(the dialect's own, FastAPI's 404/405/400, a 503 when the database is down) looks like this,
through `register_error_shape`; it is longer than ScanSource's `/api/` prefix, so it wins there.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi.responses import Response

from invoiceport.platform.web import ApiError, dump_json

PREFIX = "/api/invoice/v1/"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def render_error(
    status: int, message: str, errors: list[str] | None, headers: dict[str, str] | None
) -> Response:
    if status == 500:
        message = "internal error"
    elif status == 404 and message == "Not Found":  # FastAPI's own answer for an unknown path
        message = "no such resource: see /abcsupply/openapi.json for the routes"
    body: dict[str, object] = {"status": status, "error": _phrase(status), "message": message}
    if errors and len(errors) > 1:
        body["errors"] = errors
    return Response(
        dump_json(body), status_code=status, media_type="application/json", headers=headers
    )


def bad_request(message: str, errors: list[str] | None = None) -> ApiError:
    return ApiError(400, message, errors)


def forbidden_account(account: str) -> ApiError:
    return ApiError(403, f"the client is not granted bill-to account {account[:64]!r}")


def invoice_not_found(invoice_id: str) -> ApiError:
    return ApiError(404, f"invoice {invoice_id[:64]!r} not found")
