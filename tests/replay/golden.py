"""Replaying the request set, turning answers into golden entries, and comparing them.

An entry is what a client could observe: status, the response headers in the order and case the
server sent them, and the body (as text when it is a small JSON or XML document, else its SHA-256
and length). Credentials in requests stay symbolic; a credential echoed in an answer would be
written back as its symbol. Only values that are random or read from the wall clock are replaced
(`normalise`), each for the reason given there; everything else must match byte for byte.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp

from invoiceport.app import close
from tests.replay import fixture
from tests.replay.asgi import Answer, call
from tests.replay.cases import Case, all_cases

GOLDEN = Path(__file__).parent / "golden.jsonl"
MAX_TEXT_BODY = 4096
_SYMBOL = re.compile(r"\$([A-Z][A-Z0-9_]*)")
_MESSAGE_ID = re.compile(rb"msg_[0-9a-f]{32}")
WALL_CLOCK = "<wall clock>"

HASHED_BODIES = (
    "Bodies over 4 KB are stored as hashes: to see what changed inside one, record both commits "
    "with --max-text-body (tests/replay/README.md)."
)
Entry = dict[str, Any]
Wrapper = Callable[[ASGIApp], ASGIApp]


def substitute(text: str, symbols: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in symbols:
            raise KeyError(f"the request set names ${name}, which the fixture does not make")
        return symbols[name]

    return _SYMBOL.sub(value, text)


def _secrets(symbols: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """(value, $NAME) for every random credential, longest first (ids like WEBHOOK_A excluded)."""
    pairs = [(v.encode(), f"${k}".encode()) for k, v in symbols.items() if len(v) >= 8]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _symbolic(data: bytes, secrets: list[tuple[bytes, bytes]]) -> bytes:
    for value, name in secrets:
        data = data.replace(value, name)
    return data


def normalise(case: Case, answer: Answer, secrets: list[tuple[bytes, bytes]]) -> Answer:
    """The answer with its legitimately variable parts replaced; nothing else is touched."""
    retry_after = None
    headers = []
    for name, value in answer.headers:
        lowered = name.lower()
        if lowered == "x-ratelimit-reset":
            # When the rate-limit window closes, in Unix ms: the limiter counts on the wall
            # clock (`limits`), which the app's clock does not replace.
            value = WALL_CLOCK
        elif lowered == "retry-after" and answer.status == 429:
            # Seconds until that window closes: the wall clock again. (Retry-After of the
            # Ingram availability 503 reads the app's clock and is kept.)
            retry_after, value = value, WALL_CLOCK
        headers.append((name, _symbolic(value.encode("latin-1"), secrets).decode("latin-1")))
    body = _symbolic(answer.body, secrets)
    if retry_after is not None:
        # The 429 message repeats those seconds ("Try again in 3599 seconds"). The window is an
        # hour (fixture.RATE_LIMITS), so the number always has four digits and the length holds.
        body = re.sub(rb"\b" + retry_after.encode() + rb"\b", WALL_CLOCK.encode(), body)
    if case.target.startswith("/api/invoice/v1/webhooks"):
        # A delivery's `messageId` (the Standard Webhooks `webhook-id`) is random by design
        # (webhooks.service.new_message_id), so that ids never repeat after a database reset.
        body = _MESSAGE_ID.sub(b"msg_<random>", body)
    return Answer(answer.status, headers, body, answer.raised)


def _is_text(headers: list[tuple[str, str]], body: bytes, limit: int) -> bool:
    if not body:
        return True
    content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
    if len(body) > limit or not ("json" in content_type or "xml" in content_type):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _request_body(case: Case) -> str:
    raw = case.body if isinstance(case.body, bytes) else case.body.encode()
    return raw.decode("utf-8", "backslashreplace")


def entry(number: int, case: Case, answer: Answer, text_limit: int = MAX_TEXT_BODY) -> Entry:
    out: Entry = {
        "n": number,
        "name": case.name,
        "method": case.method,
        "target": case.target if len(case.target) <= 300 else _shortened(case.target),
        "request_headers": [[n, v if len(v) <= 300 else _shortened(v)] for n, v in case.headers],
    }
    if case.body:
        out["request_body"] = _request_body(case)[:300]
    out["status"] = answer.status
    out["headers"] = [[name, value] for name, value in answer.headers]
    if _is_text(answer.headers, answer.body, text_limit):
        out["body"] = answer.body.decode("utf-8")
    else:
        out["body_sha256"] = hashlib.sha256(answer.body).hexdigest()
        out["body_length"] = len(answer.body)
    if answer.raised:
        out["raised"] = answer.raised
    return out


def _shortened(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{text[:120]}...<{len(text)} characters, sha256 {digest}>"


async def _send(app: ASGIApp, case: Case, symbols: dict[str, str]) -> Answer:
    headers = [(name, substitute(value, symbols)) for name, value in case.headers]
    body = case.body if isinstance(case.body, bytes) else substitute(case.body, symbols).encode()
    return await call(app, case.method, substitute(case.target, symbols), headers, body)


async def replay(
    database_url: str,
    *,
    first: int | None = None,
    wrap: Wrapper | None = None,
    text_limit: int = MAX_TEXT_BODY,
) -> list[Entry]:
    """Load the fixture into an empty, migrated database and replay the request set on it (its
    `first` cases only, if given: a prefix gives the golden file's first answers, as the rate
    limits count the same). `wrap` puts ASGI middleware around the app (the tests that show a
    changed answer is caught); JSON and XML bodies up to `text_limit` bytes are kept as text."""
    world = await fixture.load(database_url)
    app = await fixture.start(world)
    asgi: ASGIApp = app if wrap is None else wrap(app)
    secrets = _secrets(world.symbols)
    entries = []
    try:
        for number, case in enumerate(all_cases()[:first], start=1):
            answer = await _send(asgi, case, world.symbols)
            entries.append(entry(number, case, normalise(case, answer, secrets), text_limit))
    finally:
        await close(app)
    return entries


def dump(entries: Iterable[Entry]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)


def load_golden(path: Path = GOLDEN) -> list[Entry]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _body_lines(entry: Entry) -> list[str]:
    if "body" not in entry:
        return [f"<binary: sha256 {entry['body_sha256']}, {entry['body_length']} bytes>"]
    text: str = entry["body"]
    try:
        return json.dumps(json.loads(text), indent=1, ensure_ascii=False).splitlines()
    except ValueError:
        return text.replace("><", ">\n<").splitlines()


def _diff(label: str, expected: list[str], actual: list[str]) -> Iterator[str]:
    lines = difflib.unified_diff(expected, actual, "golden", "now", lineterm="", n=2)
    diff = list(lines)
    if diff:
        yield f"  {label}:"
        yield from (f"    {line}" for line in diff[:60])
        if len(diff) > 60:
            yield f"    ... {len(diff) - 60} more diff lines"


def explain(expected: Entry, actual: Entry) -> list[str]:
    """What differs between a golden entry and the answer now, readably; [] when nothing."""
    if expected == actual:
        return []
    out = [f"#{expected['n']} {expected['name']}: {expected['method']} {expected['target']}"]
    for field in ("name", "method", "target", "request_headers", "request_body"):
        if expected.get(field) != actual.get(field):
            out.append(f"  request {field} differs: the request set changed, re-record?")
    if expected["status"] != actual["status"]:
        out.append(f"  status: golden {expected['status']}, now {actual['status']}")
    out += _diff(
        "headers (in order)",
        [f"{n}: {v}" for n, v in expected["headers"]],
        [f"{n}: {v}" for n, v in actual["headers"]],
    )
    out += _diff("body", _body_lines(expected), _body_lines(actual))
    if expected.get("raised") != actual.get("raised"):
        out.append(f"  raised: golden {expected.get('raised')}, now {actual.get('raised')}")
    return out


def mismatches(golden: list[Entry], now: list[Entry], limit: int = 15) -> list[str]:
    """A readable report of every difference (the first `limit` in full); [] when identical."""
    problems = [lines for g, a in zip(golden, now, strict=False) if (lines := explain(g, a))]
    report = [line for lines in problems[:limit] for line in lines]
    if len(problems) > limit:
        report.append(f"... and {len(problems) - limit} more differing entries")
    if len(golden) != len(now):
        report.append(f"{len(golden)} golden entries, {len(now)} answers now")
    if any("body_sha256" in g for g, a in zip(golden, now, strict=False) if explain(g, a)):
        report.append(HASHED_BODIES)
    if report:
        report.insert(0, f"{len(problems)} of {len(golden)} replayed answers differ:")
    return report
