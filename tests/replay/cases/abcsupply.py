"""ABC Supply: history, invoice by id, PDF and webhook subscriptions under `/api/invoice/v1/`.

A's answers carry no rate-limit headers (its limit is "off"); B meets the dialect-wide 4 an hour.
"""

from __future__ import annotations

from urllib.parse import quote

from tests.replay.cases import (
    GRANTED,
    LONG,
    SAMPLE,
    UNGRANTED,
    Case,
    Header,
    bearer,
    call,
    get,
    if_none_match,
)

ABC = "/api/invoice/v1/invoices"
HOOKS = "/api/invoice/v1/webhooks"
HOOK = f"{HOOKS}/$WEBHOOK_A"
T = bearer("TOKEN_A")
ABC_ETAG_SAMPLE = '"4ab0224d25a7223da7bdebc95cc52c92"'  # production/<its row id>/1
JSON: Header = ("Content-Type", "application/json")
NEW_HOOK = '{"url": "https://x.example/h", "events": ["invoice.created"]}'
BAD_HISTORY = (
    ("start month 13", "startDate=2026-13-01T00:00:00Z"),
    ("start word", "startDate=yesterday"),
    ("start empty", "startDate="),
    ("end without zone", "endDate=2026-01-01T00:00:00"),
    ("end slashes", "endDate=2026/01/01"),
    ("start after end", "startDate=2026-11-01&endDate=2026-01-01"),
    ("year 0", "startDate=0000-01-01T00:00:00Z"),
    ("overflowing offset", "startDate=0001-01-01T00:00:00%2B05:00"),
    ("itemsPerPage 0", "itemsPerPage=0"),
    ("itemsPerPage 101", "itemsPerPage=101"),
    ("itemsPerPage text", "itemsPerPage=ten"),
    ("itemsPerPage exponent", "itemsPerPage=1e3"),
    ("pageNumber 0", "pageNumber=0"),
    ("pageNumber huge", "pageNumber=10000001"),
    ("pageNumber negative", "pageNumber=-2"),
    ("long value", f"startDate={LONG}"),
    ("NUL", "pageNumber=1%00"),
)
INVOICES = (
    "IN2002600000-001",
    "IN2002600037-001",
    "CM2002600074-001",
    "CM2002600111-001",
    "IN2002600148-001",
    SAMPLE,
    "IN2002601924-001",
)


def history(query: str, account: str = "100234") -> str:
    target = f"{ABC}/history/{account}"
    return f"{target}?{query}" if query else target


def _history() -> list[Case]:
    cases = [get(f"history {c}", history("", c), T) for c in GRANTED]
    cases += [
        get(f"history page {n}", history(f"itemsPerPage=5&pageNumber={n}"), T)
        for n in ("1", "2", "3", "9")
    ]
    z_to_z = "startDate=2026-06-01T00:00:00Z&endDate=2026-11-07T23:59:59Z"
    fractions = "startDate=2026-06-01T00:00:00.5Z&endDate=2026-11-07T10:00:00.123456Z"
    offsets = "startDate=2026-06-01T02:00:00%2B02:00&endDate=2026-11-01T00:00:00-05:00"
    cases += [
        get("history itemsPerPage 100", history("itemsPerPage=100", "20-123456"), T),
        get("history itemsPerPage +5", history("itemsPerPage=%2B5"), T),
        get("history dates Z", history(z_to_z), T),
        get("history dates fraction", history(fractions), T),
        get("history dates offset", history(offsets), T),
        get("history dates lower-case z", history("startDate=2026-06-01T00:00:00z"), T),
        get("history 400 lower-case t", history("startDate=2026-06-01t00:00:00z"), T),
        get("history bare dates", history("startDate=2026-08-01&endDate=2026-11-07"), T),
        get("history start only", history("startDate=2026-10-01T00:00:00Z", "40-778899"), T),
        get("history end only", history("endDate=2026-05-01T00:00:00Z", "PL-5521"), T),
        get("history same start and end", history("startDate=2026-11-07&endDate=2026-11-07"), T),
        get("history nothing in range", history("startDate=2020-01-01&endDate=2020-12-31"), T),
        get("history unknown params ignored", history("colour=blue&itemsPerPage=2"), T),
        get("history 403 unknown account", history("", "NOBODY"), T),
    ]
    return cases + [get(f"history 400 {name}", history(q), T) for name, q in BAD_HISTORY]


def _history_refused() -> list[Case]:
    def auth(value: str) -> Header:
        return ("Authorization", value)

    return [
        get("history 403 ungranted", history("", UNGRANTED), T),
        get("history 403 before 400", history("itemsPerPage=0", UNGRANTED), T),
        get("history 403 missing scope", history(""), bearer("TOKEN_A_HOOKS")),
        get("history read-only token", history("itemsPerPage=2"), bearer("TOKEN_A_READ")),
        get("history 401 missing token", history("")),
        get("history 401 invalid token", history(""), auth("Bearer nope")),
        get("history 401 expired", history(""), bearer("TOKEN_EXPIRED")),
        get("history 401 revoked client", history(""), bearer("TOKEN_REVOKED")),
        get("history 401 basic", history(""), auth("Basic $BASIC_A")),
        get("history 401 malformed header", history(""), auth("Bearer")),
        get("history 404 no account", f"{ABC}/history", T),
        call("POST", "history 405 POST", history(""), T),
    ]


def _invoice() -> list[Case]:
    cases = [get(f"abc invoice {number}", f"{ABC}/{number}", T) for number in INVOICES]
    return [
        *cases,
        get("abc invoice 404 unknown", f"{ABC}/NOPE-1", T),
        get("abc invoice 404 other partner's", f"{ABC}/IN2002600185-001", T),
        get("abc invoice 404 sandbox-only", f"{ABC}/IN2002970000-001", T),
        get("abc invoice 404 long", f"{ABC}/{'9' * 300}", T),
        get("abc invoice 404 unicode", f"{ABC}/{quote('Ünïcødé')}", T),
        get("abc invoice 400 NUL", f"{ABC}/IN%00", T),
        get("abc invoice 404 control char", f"{ABC}/IN%01", T),
        get("abc invoice 403 missing scope", f"{ABC}/{SAMPLE}", bearer("TOKEN_A_HOOKS")),
        get("abc invoice 401", f"{ABC}/{SAMPLE}"),
        call("DELETE", "abc invoice 405 DELETE", f"{ABC}/{SAMPLE}", T),
        get("abc invoice B own", f"{ABC}/IN2002600185-001", bearer("TOKEN_B")),
    ]


def _pdf() -> list[Case]:
    sample = f"{ABC}/{SAMPLE}/pdf"
    open_order = f"{ABC}/IN2002600037-001/pdf"
    return [
        get("abc pdf sample", sample, T),
        get("abc pdf credit memo", f"{ABC}/CM2002600074-001/pdf", T),
        get("abc pdf open order", open_order, T),
        get("abc pdf 304", sample, T, if_none_match(ABC_ETAG_SAMPLE)),
        get("abc pdf 304 star", sample, T, if_none_match("*")),
        get("abc pdf etag mismatch", open_order, T, if_none_match('"nope"')),
        get("abc pdf 404", f"{ABC}/NOPE-1/pdf", T),
        get("abc pdf 404 other partner's", f"{ABC}/IN2002600185-001/pdf", T),
        get("abc pdf 400 NUL", f"{ABC}/A%00/pdf", T),
        get("abc pdf 403 missing scope", sample, bearer("TOKEN_A_HOOKS")),
        get("abc pdf 401", sample),
        get("abc 404 unknown path", "/api/invoice/v1/nothing", T),
        get("abc 404 unknown path no token", "/api/invoice/v1/nothing"),
        get("abc 404 deeper path", f"{sample}/extra", T),
    ]


def _limited() -> list[Case]:
    b = bearer("TOKEN_B")
    return [
        *(
            get(f"abc B history {n} (limit 4)", history("itemsPerPage=2", UNGRANTED), b)
            for n in (1, 2)
        ),
        get("abc B 403 A's account (counted)", history("", "100234"), b),
        get("abc B 429 history", history("", UNGRANTED), b),
        get("abc B 429 invoice", f"{ABC}/IN2002600185-001", b),
        get("abc B 429 webhooks", HOOKS, b),
        get("abc B 401 before 429", history("", UNGRANTED)),
    ]


def invoices() -> list[Case]:
    return [*_history(), *_history_refused(), *_invoice(), *_pdf(), *_limited()]


def _webhook_reads() -> list[Case]:
    deliveries = f"{HOOK}/deliveries"
    read_only = bearer("TOKEN_A_READ")
    return [
        get("webhooks list", HOOKS, T),
        get("webhooks list hooks-only token", HOOKS, bearer("TOKEN_A_HOOKS")),
        get("webhooks get", HOOK, T),
        get("webhooks deliveries", deliveries, T),
        get("webhooks deliveries page 2", f"{deliveries}?itemsPerPage=5&pageNumber=2", T),
        get("webhooks deliveries pending", f"{deliveries}?status=pending&itemsPerPage=3", T),
        get("webhooks deliveries two statuses", f"{deliveries}?status=failed&status=succeeded", T),
        get("webhooks deliveries 400 status", f"{deliveries}?status=lost", T),
        get("webhooks deliveries 400 itemsPerPage", f"{deliveries}?itemsPerPage=101", T),
        get("webhooks delivery 1", f"{deliveries}/1", T),
        get("webhooks delivery 1 attempts", f"{deliveries}/1/attempts", T),
        get("webhooks delivery 404", f"{deliveries}/999999", T),
        get("webhooks delivery 400 id 0", f"{deliveries}/0", T),
        get("webhooks delivery 400 id text", f"{deliveries}/abc", T),
        get("webhooks get 404", f"{HOOKS}/999", T),
        get("webhooks get 400 id 0", f"{HOOKS}/0", T),
        get("webhooks get 400 id text", f"{HOOKS}/abc", T),
        get("webhooks get 400 id huge", f"{HOOKS}/99999999999", T),
        get("webhooks get 403 read-only token", HOOK, read_only),
        get("webhooks list 403 read-only token", HOOKS, read_only),
        get("webhooks get 401", HOOK),
        get("webhooks list 401 expired", HOOKS, bearer("TOKEN_EXPIRED")),
    ]


def _webhook_changes() -> list[Case]:
    """Refused changes only: a created subscription's secret is random, and state would move."""

    def create(name: str, body: str, *headers: Header) -> Case:
        return call("POST", f"webhooks create {name}", HOOKS, *headers, JSON, body=body)

    url = '"url": "https://x.example/h"'
    return [
        call("DELETE", "webhooks delete 404", f"{HOOKS}/999", T),
        call("POST", "webhooks rotate 404", f"{HOOKS}/999/rotate-secret", T),
        call("POST", "webhooks enable 404", f"{HOOKS}/999/enable", T),
        call("POST", "webhooks replay 404", f"{HOOK}/deliveries/999999/replay", T),
        create("400 not JSON", "{not json", T),
        create("400 empty", "", T),
        create("400 missing url", '{"events": ["invoice.created"]}', T),
        create("400 bad event", f'{{{url}, "events": ["invoice.deleted"]}}', T),
        create("400 no events", f'{{{url}, "events": []}}', T),
        create("400 ftp url", '{"url": "ftp://x.example/h", "events": ["invoice.created"]}', T),
        create("400 extra field", f'{{{url}, "events": ["invoice.created"], "colour": 1}}', T),
        create("403 read-only token", NEW_HOOK, bearer("TOKEN_A_READ")),
        create("401", NEW_HOOK),
        call("PUT", "webhooks 405 PUT", HOOK, T),
        get("webhooks C 404 A's hook", HOOK, bearer("TOKEN_C")),
    ]


def webhooks() -> list[Case]:
    return [*_webhook_reads(), *_webhook_changes()]
