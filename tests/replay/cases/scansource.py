"""ScanSource: `/api/invoice/{summary,list,detail,pdf}` as partner A (limit 1000 an hour, so the
headers count down), then B and C until their limits give 429s."""

from __future__ import annotations

from urllib.parse import quote

from tests.replay.cases import (
    GRANTED,
    LONG,
    SAMPLE,
    UNGRANTED,
    Case,
    Header,
    accept,
    call,
    get,
    if_none_match,
    key,
)

SS = "/api/invoice"
A = key("KEY_A")
PDF_ETAG_SAMPLE = '"bea5d339100d54d99fc1f63502b41b42"'  # production/20-123456/20-12345-11/1
PDF_ETAG_FIRST = '"59df42a8a116f5b77d90d932debaff8b"'  # production/100234/IN2002600000-001/1
BAD_SEARCH = (
    ("page 0", "page=0"),
    ("page -1", "page=-1"),
    ("page text", "page=abc"),
    ("page decimal", "page=1.5"),
    ("page huge", "page=99999999999999"),
    ("pageSize 0", "pageSize=0"),
    ("pageSize 101", "pageSize=101"),
    ("pageSize text", "pageSize=ten"),
    ("fromDate month 13", "fromDate=2026-13-01"),
    ("fromDate slashes", "fromDate=2026/01/01"),
    ("toDate word", "toDate=yesterday"),
    ("toDate datetime", "toDate=2026-01-01T00:00:00Z"),
    ("toDate 30 Feb", "toDate=2026-02-30"),
    ("long bad page", f"page={LONG}"),
)
DATA_TYPES = ("application/json", "text/json", "application/xml", "text/xml", "*/*", "text/*")


def _searches(route: str) -> list[Case]:
    """Paging, every filter, empty and impossible filter values."""
    base = f"{SS}/{route}"
    cases = [get(f"{route} {c}", f"{base}/{c}", A) for c in GRANTED]
    for page in ("1", "2", "3", "13"):
        cases.append(get(f"{route} page {page}", f"{base}/100234?page={page}&pageSize=5", A))
    c100234 = f"{base}/100234"
    return [
        *cases,
        get(f"{route} pageSize 100", f"{base}/20-123456?pageSize=100", A),
        get(f"{route} pageSize 1", f"{base}/20-123456?pageSize=1&page=3", A),
        get(f"{route} invoiceNumber", f"{c100234}?invoiceNumber=IN2002600222-001", A),
        get(f"{route} salesOrderNumber", f"{base}/100587?salesOrderNumber=2002600703", A),
        get(f"{route} poNumber", f"{base}/PL-5521?poNumber=PO227471", A),
        get(f"{route} dates", f"{c100234}?fromDate=2026-06-01&toDate=2026-11-08", A),
        get(f"{route} fromDate only", f"{base}/40-778899?fromDate=2026-09-01", A),
        get(f"{route} toDate only", f"{base}/40-778899?toDate=2026-05-02", A),
        get(f"{route} from after to", f"{c100234}?fromDate=2026-11-01&toDate=2026-01-01", A),
        get(f"{route} empty filters", f"{c100234}?poNumber=&invoiceNumber=&page=", A),
        get(f"{route} no match", f"{c100234}?poNumber=PO000000", A),
        get(f"{route} invoice of another customer", f"{c100234}?invoiceNumber=IN2002600037-001", A),
        get(f"{route} long filter", f"{c100234}?poNumber={LONG}", A),
        get(f"{route} control char filter", f"{c100234}?salesOrderNumber=20%0126", A),
        get(f"{route} NUL filter", f"{c100234}?invoiceNumber=IN%00", A),
        get(f"{route} unicode filter", f"{c100234}?poNumber={quote('Müller & Söhne')}", A),
        get(f"{route} spaces in number", f"{c100234}?invoiceNumber=%20IN2002600222-001", A),
        get(f"{route} unknown param ignored", f"{c100234}?colour=blue&pageSize=2", A),
        get(f"{route} page padded", f"{c100234}?page=%202%20&pageSize=5", A),
    ]


def _negotiation_and_errors(route: str) -> list[Case]:
    base = f"{SS}/{route}"
    cases = [get(f"{route} 400 {name}", f"{base}/100234?{q}", A) for name, q in BAD_SEARCH]
    for media in DATA_TYPES:
        cases.append(
            get(f"{route} accept {media}", f"{base}/20-123456?pageSize=3", A, accept(media))
        )
    prefers_xml = accept("application/json;q=0.4, text/xml;q=0.9")
    return [
        *cases,
        get(f"{route} accept q prefers xml", f"{base}/20-123456?pageSize=2", A, prefers_xml),
        get(f"{route} accept garbage", f"{base}/20-123456?pageSize=2", A, accept("nonsense")),
        get(f"{route} 406 pdf", f"{base}/20-123456", A, accept("application/pdf")),
        get(f"{route} 406 q=0", f"{base}/20-123456", A, accept("application/json;q=0, */*;q=0")),
        get(
            f"{route} xml paging", f"{base}/100234?page=2&pageSize=4", A, accept("application/xml")
        ),
        get(f"{route} xml empty", f"{base}/100234?poNumber=PO000000", A, accept("text/xml")),
        get(f"{route} 403 ungranted", f"{base}/{UNGRANTED}", A),
        get(f"{route} 403 unknown customer", f"{base}/NOBODY", A),
        get(f"{route} 403 before 400", f"{base}/{UNGRANTED}?page=0", A),
        get(f"{route} 401 before 403", f"{base}/{UNGRANTED}"),
        get(f"{route} 401 missing key", f"{base}/100234"),
        get(f"{route} 401 empty key", f"{base}/100234", ("Ocp-Apim-Subscription-Key", "  ")),
        get(
            f"{route} 401 invalid key", f"{base}/100234", ("Ocp-Apim-Subscription-Key", "not-a-key")
        ),
        get(f"{route} 401 revoked key", f"{base}/100234", key("KEY_REVOKED")),
        get(f"{route} 401 key as query", f"{base}/100234?subscription-key=$KEY_A"),
        get(
            f"{route} key padded",
            f"{base}/100234?pageSize=1",
            ("Ocp-Apim-Subscription-Key", " $KEY_A "),
        ),
        call("POST", f"{route} 405 POST", f"{base}/100234", A),
        get(f"{route} trailing slash", f"{base}/100234/", A),
    ]


def _list_serials() -> list[Case]:
    base = f"{SS}/list/40-778899?pageSize=3&excludeSerialTracking="
    cases = [
        get(f"list excludeSerialTracking={value}", f"{base}{value}", A)
        for value in ("true", "false", "1", "yes", "", "maybe")
    ]
    xml = accept("application/xml")
    return [*cases, get("list xml excludeSerialTracking", f"{base}true", A, xml)]


DETAILS = (
    ("100234", "IN2002600000-001"),
    ("100587", "IN2002600037-001"),
    ("20-123456", "CM2002600074-001"),
    ("40-778899", "CM2002600111-001"),
    ("PL-5521", "IN2002600148-001"),
    ("100234", "IN2002600222-001"),
    ("100587", "CM2002600259-001"),
    ("100587", "IN2002600703-001"),
    ("40-778899", "IN2002601443-001"),
    ("20-123456", SAMPLE),
    ("40-778899", "IN2002602109-001"),
    ("PL-5521", "IN2002601924-001"),
)
DETAIL_MEDIA = (
    "text/json",
    "text/xml",
    "*/*",
    "application/*",
    "application/xml;q=0.1, application/json",
)


def _detail() -> list[Case]:
    base = f"{SS}/detail"
    cases = [get(f"detail {c}/{i}", f"{base}/{c}/{i}", A) for c, i in DETAILS]
    cases += [get(f"detail again {c}/{i} (cached)", f"{base}/{c}/{i}", A) for c, i in DETAILS[:3]]
    for c, i in DETAILS[:5]:
        cases.append(get(f"detail xml {i}", f"{base}/{c}/{i}", A, accept("application/xml")))
        cases.append(get(f"detail no serials {i}", f"{base}/{c}/{i}?excludeSerialTracking=true", A))
    for media in DETAIL_MEDIA:
        cases.append(get(f"detail accept {media}", f"{base}/20-123456/{SAMPLE}", A, accept(media)))
    first = f"{base}/100234/IN2002600000-001"
    return [
        *cases,
        get(
            "detail xml no serials",
            f"{base}/40-778899/IN2002602109-001?excludeSerialTracking=1",
            A,
            accept("text/xml"),
        ),
        get("detail excludeSerialTracking=no", f"{first}?excludeSerialTracking=no", A),
        get("detail 400 excludeSerialTracking", f"{first}?excludeSerialTracking=perhaps", A),
        get("detail 406", first, A, accept("image/png")),
        *_detail_errors(base, first),
    ]


def _detail_errors(base: str, first: str) -> list[Case]:
    bad_key = "Ocp-Apim-Subscription-Key"
    return [
        get("detail 404 unknown", f"{base}/100234/IN0000000000-001", A),
        get("detail 404 other customer's", f"{base}/100234/IN2002600037-001", A),
        get("detail 404 sandbox only", f"{base}/100234/IN2002970000-001", A),
        get("detail 404 NUL", f"{base}/100234/IN%00", A),
        get("detail 404 control char", f"{base}/100234/IN%0A2002600000-001", A),
        get("detail 404 long number", f"{base}/100234/{'9' * 100}", A),
        get("detail 404 padded number", f"{base}/100234/%20IN2002600000-001", A),
        get("detail 404 unicode", f"{base}/100234/{quote('Ünïcødé-№1')}", A),
        get("detail 404 encoded slash", f"{base}/100234/IN2002600000%2F001", A),
        get("detail 403 ungranted", f"{base}/{UNGRANTED}/IN2002600185-001", A),
        get("detail 403 ungranted unknown", f"{base}/{UNGRANTED}/NOPE", A),
        get("detail 403 NUL customer", f"{base}/1%0002/X", A),
        get("detail 401 missing key", first),
        get("detail 401 invalid key", first, (bad_key, "nope")),
        get("detail 401 revoked key", first, key("KEY_REVOKED")),
        get("detail 401 NUL key", first, (bad_key, "a\x01b")),
        get("detail 404 no invoice segment", f"{base}/100234", A),
        get("detail 404 extra segment", f"{first}/extra", A),
        call("DELETE", "detail 405 DELETE", first, A),
        call("HEAD", "detail HEAD", first, A),
    ]


def _pdf() -> list[Case]:
    base = f"{SS}/pdf"
    sample = f"{base}/20-123456/{SAMPLE}"
    first = f"{base}/100234/IN2002600000-001"
    return [
        get("pdf sample", sample, A),
        get("pdf invoice with serials", first, A),
        get("pdf 34 serials", f"{base}/100587/IN2002601369-001", A),
        get("pdf open order", f"{base}/100587/IN2002600037-001", A),
        get("pdf credit memo", f"{base}/40-778899/CM2002600111-001", A),
        get("pdf PLN", f"{base}/PL-5521/IN2002600148-001", A, accept("application/pdf")),
        get("pdf accept */*", sample, A, accept("*/*")),
        get("pdf 304", sample, A, if_none_match(PDF_ETAG_SAMPLE)),
        get("pdf 304 weak", sample, A, if_none_match("W/" + PDF_ETAG_SAMPLE)),
        get("pdf 304 list", first, A, if_none_match(f'"old", {PDF_ETAG_FIRST}')),
        get("pdf 304 star", first, A, if_none_match("*")),
        get("pdf etag mismatch", first, A, if_none_match(PDF_ETAG_SAMPLE)),
        get("pdf etag malformed", first, A, if_none_match("not-quoted")),
        get("pdf 406 json", sample, A, accept("application/json")),
        get("pdf 404 unknown", f"{base}/20-123456/NOPE-1", A),
        get("pdf 404 NUL", f"{base}/20-123456/A%00B", A),
        get("pdf 403 ungranted", f"{base}/{UNGRANTED}/IN2002600185-001", A),
        get("pdf 401", sample),
        get("pdf 401 revoked", sample, key("KEY_REVOKED")),
        call("PUT", "pdf 405 PUT", sample, A),
        get("scansource 404 unknown route", f"{SS}/unknown", A),
        get("scansource 404 bare summary", f"{SS}/summary", A),
        get("scansource 404 under /api", "/api/other", A),
        get("scansource 404 no key", f"{SS}/nothing/here"),
    ]


def _limited() -> list[Case]:
    """B is under the dialect-wide limit of 5: the sixth request on is a 429 (detail included,
    which PostgreSQL answers on the fast path); C has a limit of 3 of its own."""
    b: Header = key("KEY_B")
    own = f"{SS}/detail/{UNGRANTED}/IN2002600185-001"
    return [
        get("B summary own customer", f"{SS}/summary/{UNGRANTED}?pageSize=3", b),
        get("B detail own invoice", own, b),
        get("B detail 403 A's customer", f"{SS}/detail/100234/IN2002600000-001", b),
        get("B list xml", f"{SS}/list/{UNGRANTED}?pageSize=2", b, accept("application/xml")),
        get("B detail 404", f"{SS}/detail/{UNGRANTED}/NOPE", b),
        get("B 429 detail", own, b),
        get("B 429 summary", f"{SS}/summary/{UNGRANTED}", b),
        get("B 429 pdf", f"{SS}/pdf/{UNGRANTED}/IN2002600185-001", b),
        get("B 401 still before 429", f"{SS}/summary/{UNGRANTED}"),
        *(
            get(f"C scansource {n}", f"{SS}/detail/100234/IN2002600000-001", key("KEY_C"))
            for n in range(1, 5)
        ),
    ]


def cases() -> list[Case]:
    return [
        *_searches("summary"),
        *_negotiation_and_errors("summary"),
        *_searches("list"),
        *_negotiation_and_errors("list"),
        *_list_serials(),
        *_detail(),
        *_pdf(),
        *_limited(),
    ]
