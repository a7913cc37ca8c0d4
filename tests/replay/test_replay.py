"""Every route's answer (status, headers in order, body) is the one recorded in golden.jsonl.

The golden file was recorded on SQLite before the request pipeline was refactored (issue 12); the
same replay on PostgreSQL proves both databases (and PostgreSQL's fast path) give the same bytes.
On a mismatch the report names each request and shows its header and body differences. If an
answer is meant to change, re-record (tests/replay/README.md) and say why in the commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from invoiceport.dialects.scansource import views as scansource_views
from tests.replay.asgi import Answer
from tests.replay.cases import Case, all_cases
from tests.replay.golden import Wrapper, load_golden, mismatches, normalise, replay


def test_the_golden_file_matches_the_request_set() -> None:
    golden = load_golden()
    cases = all_cases()
    assert [(e["name"], e["method"]) for e in golden] == [(c.name, c.method) for c in cases]
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"


async def test_every_answer_is_the_recorded_one(database_url: str) -> None:
    problems = mismatches(load_golden(), await replay(database_url))
    assert not problems, "\n".join(problems)


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated SQLite database: enough to show that a change is caught."""
    path = tmp_path / "replay.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


FIRST = 30  # operations and the first ScanSource summaries: a prefix replays like the whole


async def test_a_changed_view_fails_the_replay(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = scansource_views.summary_page

    def renamed(*args: Any, **kwargs: Any) -> Any:
        body = dict(original(*args, **kwargs))
        body["totalcount"] = body.pop("totalCount")  # one field's case, as a slip would do
        return body

    monkeypatch.setattr(scansource_views, "summary_page", renamed)
    golden = load_golden()[:FIRST]
    problems = mismatches(golden, await replay(sqlite_url, first=FIRST))
    summaries = [
        e for e in golden if e["name"].startswith("summary ") and e["body"].startswith('{"total')
    ]
    assert summaries and problems[0] == f"{len(summaries)} of {FIRST} replayed answers differ:"
    report = "\n".join(problems)
    assert f"#{summaries[0]['n']} {summaries[0]['name']}: GET" in report
    assert '- "totalCount": 10,' in report and '+ "totalcount": 10' in report, report


def swap_first_two_headers(path: str) -> Wrapper:
    """Middleware that sends the headers of `path`'s answer with the first two swapped."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def swapped(scope: Scope, receive: Receive, send: Send) -> None:
            async def send_swapped(message: Message) -> None:
                if message["type"] == "http.response.start" and scope["path"] == path:
                    headers = list(message["headers"])
                    headers[0], headers[1] = headers[1], headers[0]
                    message = {**message, "headers": headers}
                await send(message)

            await app(scope, receive, send_swapped)

        return swapped

    return wrap


async def test_headers_in_another_order_fail_the_replay(sqlite_url: str) -> None:
    golden = load_golden()[:2]
    problems = mismatches(
        golden, await replay(sqlite_url, first=2, wrap=swap_first_two_headers("/healthz"))
    )
    report = "\n".join(problems)
    assert problems[0] == "2 of 2 replayed answers differ:", report
    assert "headers (in order)" in report and "body:" not in report


def test_only_wall_clock_values_are_normalised() -> None:
    """Rate-limit resets and the seconds of a 429 are replaced; an availability 503's
    Retry-After (the app's clock) and everything else stay as sent."""
    limited = Answer(
        429,
        [("retry-after", "3599"), ("x-ratelimit-reset", "1795000000000"), ("x-a", "3599")],
        b'{"message": "retry in 3599 s", "id": 35990}',
        None,
    )
    case = Case("c", "GET", "/api/invoice/summary/1")
    found = normalise(case, limited, [])
    assert found.headers == [
        ("retry-after", "<wall clock>"),
        ("x-ratelimit-reset", "<wall clock>"),
        ("x-a", "3599"),
    ]
    assert found.body == b'{"message": "retry in <wall clock> s", "id": 35990}'
    closed = Answer(503, [("retry-after", "3599")], b"3599", None)
    assert normalise(case, closed, []) == closed
    echoed = Answer(401, [("x-key", "k-secret-value")], b"k-secret-value!", None)
    symbolic = normalise(case, echoed, [(b"k-secret-value", b"$KEY_A")])
    assert symbolic.headers == [("x-key", "$KEY_A")] and symbolic.body == b"$KEY_A!"
