"""ScanSource's current generation, `/scsc/invoice/v1/{summary,list,detail,pdf}` (issue 14): a
subscription key and a bearer token, both required. Appended after every other section (its
limit is ScanSource's, so it shifts no earlier request's counters)."""

from __future__ import annotations

from tests.replay.cases import UNGRANTED, Case, Header, accept, bearer, get, key

V1 = "/scsc/invoice/v1"
BOTH: tuple[Header, ...] = (key("KEY_A"), bearer("TOKEN_A"))
DETAIL = f"{V1}/detail?customerNumber=100234&InvoiceNumber=IN2002600000-001"


def cases() -> list[Case]:
    cases = [
        get("scsc detail", DETAIL, *BOTH),
        get("scsc detail again (cached view)", DETAIL, *BOTH),
        get("scsc detail XML", DETAIL, *BOTH, accept("application/xml")),
        get("scsc detail read-scope token", DETAIL, key("KEY_A"), bearer("TOKEN_A_READ")),
        get(
            "scsc detail open order",
            f"{V1}/detail?customerNumber=100587&invoiceNumber=IN2002600037-001",
            *BOTH,
        ),
        get(
            "scsc detail unknown invoice",
            f"{V1}/detail?customerNumber=100234&InvoiceNumber=NOPE",
            *BOTH,
        ),
        get(
            "scsc detail ungranted",
            f"{V1}/detail?customerNumber={UNGRANTED}&InvoiceNumber=IN2002600185-001",
            *BOTH,
        ),
        get("scsc detail no invoice number", f"{V1}/detail?customerNumber=100234", *BOTH),
        get("scsc detail key only", DETAIL, key("KEY_A")),
        get("scsc detail token only", DETAIL, bearer("TOKEN_A")),
        get("scsc detail neither", DETAIL),
        get("scsc detail revoked key", DETAIL, key("KEY_REVOKED"), bearer("TOKEN_A")),
        get(
            "scsc detail unknown key",
            DETAIL,
            ("Ocp-Apim-Subscription-Key", "nope"),
            bearer("TOKEN_A"),
        ),
        get("scsc detail another partner's token", DETAIL, key("KEY_A"), bearer("TOKEN_B")),
        get("scsc detail expired token", DETAIL, key("KEY_A"), bearer("TOKEN_EXPIRED")),
        get("scsc detail revoked client's token", DETAIL, key("KEY_A"), bearer("TOKEN_REVOKED")),
        get("scsc detail unknown token", DETAIL, key("KEY_A"), ("Authorization", "Bearer nope")),
        get("scsc detail not bearer", DETAIL, key("KEY_A"), ("Authorization", "Basic nope")),
        get("scsc detail B ungranted", DETAIL, key("KEY_B"), bearer("TOKEN_B")),
        get("scsc pdf", f"{V1}/pdf?customerNumber=100234&InvoiceNumber=IN2002600000-001", *BOTH),
        get(
            "scsc pdf unknown token",
            f"{V1}/pdf?customerNumber=100234&InvoiceNumber=IN2002600000-001",
            key("KEY_A"),
            ("Authorization", "Bearer nope"),
        ),
    ]
    for route in ("summary", "list"):
        base = f"{V1}/{route}?customerNumber=100234"
        cases += [
            get(f"scsc {route}", base, *BOTH),
            get(f"scsc {route} again (cached views)", base, *BOTH),
            get(f"scsc {route} paged", base + "&page=2&pageSize=3", *BOTH),
            get(f"scsc {route} XML", base, *BOTH, accept("application/xml")),
            get(
                f"scsc {route} by PO, any case",
                f"{V1}/{route}?CUSTOMERNUMBER=100234&ponumber=PO501873",
                *BOTH,
            ),
            get(f"scsc {route} another partner's token", base, key("KEY_A"), bearer("TOKEN_B")),
            get(f"scsc {route} expired token", base, key("KEY_A"), bearer("TOKEN_EXPIRED")),
            get(f"scsc {route} ungranted", f"{V1}/{route}?customerNumber={UNGRANTED}", *BOTH),
            get(f"scsc {route} bad page", base + "&page=0", *BOTH),
        ]
    cases.append(
        get(
            "scsc list without serials",
            f"{V1}/list?customerNumber=100587&excludeSerialTracking=true",
            *BOTH,
        )
    )
    return cases
