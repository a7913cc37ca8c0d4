"""Ingram Micro v5: `/resellers/v5/invoices/{n}` and `/sandbox/...`, mostly as A's main client
(the built-in limit of 60 a minute per client counts down), then B, then C into its 429s."""

from __future__ import annotations

from urllib.parse import quote

from tests.replay.cases import SAMPLE, UNGRANTED, Case, Header, bearer, call, get

V5 = "/resellers/v5/invoices"
SANDBOX = "/sandbox/resellers/v5/invoices"
T = bearer("TOKEN_A")
GB = "customerNumber=20-123456&isoCountryCode=UK"
US = "customerNumber=100234&isoCountryCode=US"
CA = "customerNumber=100587&isoCountryCode=CA"
AT = "customerNumber=40-778899&isoCountryCode=AT"
PL = "customerNumber=PL-5521&isoCountryCode=PL"
IM_HEADERS: tuple[Header, Header] = (("IM-CustomerNumber", "20-123456"), ("IM-CountryCode", "UK"))


def v5(number: str, query: str = "") -> str:
    return f"{V5}/{number}?{query}" if query else f"{V5}/{number}"


def sandbox(number: str, query: str = "") -> str:
    return f"{SANDBOX}/{number}?{query}" if query else f"{SANDBOX}/{number}"


def _found() -> list[Case]:
    return [
        get("v5 seed sample", v5(SAMPLE, GB), T),
        get("v5 lower-case params", v5(SAMPLE, "customernumber=20-123456&isocountrycode=gb"), T),
        get("v5 header params", v5(SAMPLE), T, *IM_HEADERS),
        get("v5 query wins over header", v5(SAMPLE, GB), T, ("IM-CustomerNumber", "100234")),
        get(
            "v5 400 invalid header beside query",
            v5(SAMPLE, GB),
            T,
            ("IM-CustomerNumber", "x" * 70),
        ),
        get(
            "v5 mixed query and header",
            v5(SAMPLE, "customerNumber=20-123456"),
            T,
            ("IM-CountryCode", "GB"),
        ),
        get("v5 invoiced", v5("IN2002600000-001", US), T),
        get("v5 open order", v5("IN2002600037-001", CA), T),
        get("v5 open credit memo", v5("CM2002600074-001", GB), T),
        get("v5 invoiced credit memo", v5("CM2002600111-001", AT), T),
        get("v5 paid PLN", v5("IN2002601924-001", PL), T),
        get("v5 cancelled", v5("IN2002601443-001", AT), T),
        get("v5 misc fees and serials", v5("IN2002600703-001", CA), T),
        get("v5 many serials", v5("IN2002602109-001", AT), T),
        get("v5 sales order fallback", v5("2002600222", US), T),
        get("v5 sales order fallback sample", v5("20-12345", GB), T),
    ]


def _not_found() -> list[Case]:
    return [
        get("v5 EO unknown invoice", v5("NOPE-0001", GB), T),
        get("v5 EO other customer's invoice", v5("IN2002600000-001", GB), T),
        get("v5 EO before lookback (invoiced)", v5("IN2002601221-001", AT), T),
        get("v5 EO before lookback (paid)", v5("IN2002600148-001", PL), T),
        get("v5 EO before lookback (open credit memo)", v5("CM2002600259-001", CA), T),
        get("v5 EO the day before the lookback", v5("IN2002602072-001", GB), T),
        get("v5 inside lookback", v5("IN2002600333-001", AT), T),
        get("v5 EO sandbox-only invoice", v5("IN2002970000-001", US), T),
        get("v5 EO NUL in number", v5("IN%00X", GB), T),
        get("v5 EO control char in number", v5("IN%1F2002600000-001", US), T),
        get("v5 EO unicode number", v5(quote("Ünïcødé"), GB), T),
    ]


def _refused() -> list[Case]:
    no_scheme: Header = ("Authorization", "bearer $TOKEN_A")
    return [
        get("v5 400 number too long", v5("9" * 65, GB), T),
        get("v5 400 missing customer", v5(SAMPLE, "isoCountryCode=UK"), T),
        get("v5 400 empty customer", v5(SAMPLE, "customerNumber=&isoCountryCode=UK"), T),
        get("v5 400 missing country", v5(SAMPLE, "customerNumber=20-123456"), T),
        get("v5 400 country GBR", v5(SAMPLE, "customerNumber=20-123456&isoCountryCode=GBR"), T),
        get("v5 400 country digits", v5(SAMPLE, "customerNumber=20-123456&isoCountryCode=1A"), T),
        get(
            "v5 400 customer too long",
            v5(SAMPLE, f"customerNumber={'1' * 65}&isoCountryCode=UK"),
            T,
        ),
        get("v5 400 NUL customer", v5(SAMPLE, "customerNumber=20%00&isoCountryCode=UK"), T),
        get(
            "v5 400 control char header",
            v5(SAMPLE, "isoCountryCode=UK"),
            T,
            ("IM-CustomerNumber", "20\x7f"),
        ),
        get(
            "v5 403 ungranted",
            v5("IN2002600185-001", f"customerNumber={UNGRANTED}&isoCountryCode=US"),
            T,
        ),
        get("v5 403 unknown customer", v5("X", "customerNumber=NOBODY&isoCountryCode=US"), T),
        get(
            "v5 503 availability window",
            v5("IN2002600111-001", "customerNumber=40-778899&isoCountryCode=DE"),
            T,
        ),
        get("v5 503 before 403", v5("X", f"customerNumber={UNGRANTED}&isoCountryCode=de"), T),
        get("v5 token with history scope only", v5(SAMPLE, GB), bearer("TOKEN_A_READ")),
        get("v5 token with webhook scope only", v5(SAMPLE, GB), bearer("TOKEN_A_HOOKS")),
        get("v5 scheme lower case", v5(SAMPLE, GB), no_scheme),
    ]


def _unauthenticated_and_unrouted() -> list[Case]:
    def auth(value: str) -> Header:
        return ("Authorization", value)

    return [
        get("v5 401 missing token", v5(SAMPLE, GB)),
        get("v5 401 empty bearer", v5(SAMPLE, GB), auth("Bearer ")),
        get("v5 401 basic scheme", v5(SAMPLE, GB), auth("Basic $BASIC_A")),
        get("v5 401 invalid token", v5(SAMPLE, GB), auth("Bearer not-a-token")),
        get("v5 401 expired token", v5(SAMPLE, GB), bearer("TOKEN_EXPIRED")),
        get("v5 401 revoked client", v5(SAMPLE, GB), bearer("TOKEN_REVOKED")),
        get("v5 401 before 400", v5(SAMPLE)),
        get("v5 401 token with NUL", v5(SAMPLE, GB), auth("Bearer a\x00b")),
        get("v5 404 collection", V5, T),
        get("v5 404 unknown path", "/resellers/v5/orders/1", T),
        get("v5 404 extra segment", f"{V5}/{SAMPLE}/lines", T),
        call("POST", "v5 405 POST", v5(SAMPLE, GB), T),
        call("HEAD", "v5 HEAD", v5(SAMPLE, GB), T),
    ]


def _sandbox() -> list[Case]:
    ungranted = f"customerNumber={UNGRANTED}&isoCountryCode=US"
    return [
        get("sandbox seed sample", sandbox(SAMPLE, GB), T),
        get("sandbox invoiced", sandbox("IN2002970000-001", US), T),
        get("sandbox open order", sandbox("IN2002970037-001", CA), T),
        get("sandbox open credit memo on the cutoff day", sandbox("CM2002970074-001", GB), T),
        get("sandbox credit memo", sandbox("CM2002970111-001", AT), T),
        get("sandbox sales order fallback", sandbox("2002970000", US), T),
        get("sandbox EO sales order before lookback", sandbox("2002970185", US), T),
        get("sandbox EO production-only", sandbox("IN2002600000-001", US), T),
        get("sandbox header params", sandbox(SAMPLE), T, *IM_HEADERS),
        get("sandbox 400 missing customer", sandbox(SAMPLE, "isoCountryCode=UK"), T),
        get("sandbox 403 ungranted", sandbox("X", ungranted), T),
        get("sandbox 401", sandbox(SAMPLE, GB)),
        get("sandbox 404 unknown path", "/sandbox/resellers/v5/nothing", T),
        call("DELETE", "sandbox 405 DELETE", sandbox(SAMPLE, GB), T),
    ]


def _other_partners() -> list[Case]:
    own = v5("IN2002600629-001", f"customerNumber={UNGRANTED}&isoCountryCode=US")
    c = bearer("TOKEN_C")
    return [
        get("v5 B own customer", own, bearer("TOKEN_B")),
        get("v5 B 403 A's customer", v5(SAMPLE, GB), bearer("TOKEN_B")),
        *(get(f"v5 C request {n} (limit 3)", v5("IN2002600000-001", US), c) for n in range(1, 6)),
        get("v5 C 429 even for a bad request", v5(SAMPLE), c),
    ]


def cases() -> list[Case]:
    return [
        *_found(),
        *_not_found(),
        *_refused(),
        *_unauthenticated_and_unrouted(),
        *_sandbox(),
        *_other_partners(),
    ]
