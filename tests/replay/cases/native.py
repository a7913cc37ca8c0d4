"""Operations routes, specs, size limits, the OAuth token endpoint's errors, a few admin reads."""

from __future__ import annotations

from tests.replay.cases import SAMPLE, Case, Header, call, get

FORM: Header = ("Content-Type", "application/x-www-form-urlencoded")
TOKEN = "/oauth/oauth30/token"
CLIENT_A = "client_id=$CLIENT_A_ID&client_secret=$CLIENT_A_SECRET"
GRANT = "grant_type=client_credentials"


def operations() -> list[Case]:
    cases = [
        get("healthz", "/healthz"),
        call("HEAD", "healthz HEAD", "/healthz"),
        call("POST", "healthz POST 405", "/healthz"),
        get("readyz", "/readyz"),
        get("root", "/"),
        get("unknown native path 404", "/no/such/path"),
        get("docs page", "/docs"),
        get("414 URL too long", "/healthz?pad=" + "a" * 17_000),
        get("431 headers too large", "/healthz", ("X-Pad", "b" * 70_000)),
    ]
    for spec in ("scansource", "ingram", "abcsupply", "oauth"):
        cases.append(get(f"{spec} openapi.json", f"/{spec}/openapi.json"))
    return cases


def _basic(symbol_or_value: str) -> Header:
    return ("Authorization", f"Basic {symbol_or_value}")


def oauth() -> list[Case]:
    """Error answers only: a granted token is random."""
    cases = []
    revoked = "client_id=$CLIENT_REVOKED_ID&client_secret=$CLIENT_REVOKED_SECRET"
    for path in (TOKEN, "/oauth/token"):
        cases += [
            call("POST", f"{path} 400 no body", path, FORM),
            call(
                "POST",
                f"{path} 400 unsupported grant",
                path,
                FORM,
                body="grant_type=password&username=a&password=b",
            ),
            call("POST", f"{path} 401 no client", path, FORM, body=GRANT),
            call(
                "POST",
                f"{path} 401 wrong secret",
                path,
                FORM,
                body=f"{GRANT}&client_id=$CLIENT_A_ID&client_secret=wrong",
            ),
            call(
                "POST",
                f"{path} 401 unknown client",
                path,
                FORM,
                body=f"{GRANT}&client_id=nobody&client_secret=x",
            ),
            call("POST", f"{path} 401 revoked client", path, FORM, body=f"{GRANT}&{revoked}"),
        ]
    read_only = "client_id=$CLIENT_A_READ_ID&client_secret=$CLIENT_A_READ_SECRET"
    return [
        *cases,
        call(
            "POST",
            "token 400 invalid scope",
            TOKEN,
            FORM,
            body=f"{GRANT}&{read_only}&scope=invoice.webhooks.manage",
        ),
        call(
            "POST", "token 400 unknown scope", TOKEN, FORM, body=f"{GRANT}&{CLIENT_A}&scope=admin"
        ),
        call(
            "POST",
            "token 400 scope via basic",
            TOKEN,
            FORM,
            _basic("$BASIC_A"),
            body=f"{GRANT}&scope=everything",
        ),
        call(
            "POST",
            "token 401 basic wrong secret",
            TOKEN,
            FORM,
            _basic("$BASIC_A_WRONG"),
            body=GRANT,
        ),
        call("POST", "token 401 basic malformed", TOKEN, FORM, _basic("%%%"), body=GRANT),
        call(
            "POST", "token 401 basic without colon", TOKEN, FORM, _basic("bm9jb2xvbg=="), body=GRANT
        ),
        call(
            "POST",
            "token 400 basic and form secret",
            TOKEN,
            FORM,
            _basic("$BASIC_A"),
            body=f"{GRANT}&client_secret=$CLIENT_A_SECRET",
        ),
        call(
            "POST",
            "token 400 basic and other client_id",
            TOKEN,
            FORM,
            _basic("$BASIC_A"),
            body=f"{GRANT}&client_id=other",
        ),
        call(
            "POST",
            "token 400 json body",
            TOKEN,
            ("Content-Type", "application/json"),
            body='{"grant_type": "client_credentials"}',
        ),
        call("POST", "token 400 repeated field", TOKEN, FORM, body=f"{GRANT}&{GRANT}"),
        call("POST", "token 400 not UTF-8", TOKEN, FORM, body=b"grant_type=\xff\xfe"),
        call("POST", "token 413 body too large", TOKEN, FORM, body=f"{GRANT}&pad=" + "p" * 9000),
        call("POST", "token no content type", TOKEN, body=GRANT),
        get("token 405 GET", TOKEN),
        get("token 404 unknown oauth path", "/oauth/nothing"),
    ]


def admin() -> list[Case]:
    adm: Header = ("Authorization", "Bearer replay-admin-token-0123456789abcdefghij")
    invoices = "/admin/v1/invoices"
    return [
        get("admin invoice", f"{invoices}/production/20-123456/{SAMPLE}", adm),
        get("admin invoice sandbox", f"{invoices}/sandbox/100234/IN2002970000-001", adm),
        get("admin invoice 404", f"{invoices}/production/100234/NOPE", adm),
        get("admin 401 no token", f"{invoices}/production/20-123456/{SAMPLE}"),
        get("admin 401 wrong token", "/admin/v1/partners", ("Authorization", "Bearer wrong")),
        get("admin 400 NUL", f"{invoices}/production/100234/A%00", adm),
        get("admin 404 unknown partner", "/admin/v1/partners/999", adm),
        call("PATCH", "admin 405", "/admin/v1/partners", adm),
    ]
