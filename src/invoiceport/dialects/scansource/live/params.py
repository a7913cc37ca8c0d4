"""The current generation's query parameters: names matched case-insensitively, as the live API
does (a connector writes `InvoiceNumber`, another `invoicenumber`), then parsed by the seed's own
rules (`scansource.params`: paging, dates, filters, `excludeSerialTracking`).

A name given twice (in any casing) with different values is a 400 that names it.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams

from invoiceport.platform.web import ApiError

NAMES = (
    "customerNumber",
    "invoiceNumber",
    "poNumber",
    "salesOrderNumber",
    "fromDate",
    "toDate",
    "page",
    "pageSize",
    "excludeSerialTracking",
)
_BY_LOWER = {name.lower(): name for name in NAMES}


def canonical(params: QueryParams) -> QueryParams:
    """The query with each known name in the seed's casing; unknown names are dropped."""
    found: dict[str, str] = {}
    for raw_name, value in params.multi_items():
        name = _BY_LOWER.get(raw_name.lower())
        if name is None:
            continue
        if name in found and found[name] != value:
            raise ApiError(400, f"{name} is given more than once with different values")
        found[name] = value
    return QueryParams(found)


def required(params: QueryParams, name: str) -> str:
    value = params.get(name, "")
    if value == "":
        raise ApiError(400, f"{name} is required")
    return value
