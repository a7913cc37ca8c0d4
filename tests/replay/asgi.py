"""A minimal ASGI driver: one request in, the server's `http.response.start` headers out as sent.

httpx would fold the headers into its own structure; here the list of (name, value) pairs is kept
exactly as the app passed it to `send`, order and case included, which is what a refactor of the
request pipeline must not change. The scope is built as uvicorn builds it: `raw_path` is the
target's path as written, `path` its percent-decoding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Message

HOST = "replay.test"


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    raised: str | None
    """The exception the app raised after answering (Starlette re-raises after a 500)."""


def _scope(method: str, target: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
    path, _, query = target.partition("?")
    raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    if not any(name == b"host" for name, _ in raw):
        raw.insert(0, (b"host", HOST.encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(path),
        "raw_path": path.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": (HOST, 80),
        "state": {},
    }


async def call(
    app: ASGIApp, method: str, target: str, headers: list[tuple[str, str]], body: bytes = b""
) -> Answer:
    sent: list[Message] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    raised = None
    try:
        await app(_scope(method, target, headers), receive, send)
    except Exception as exc:
        raised = type(exc).__name__
    starts = [m for m in sent if m["type"] == "http.response.start"]
    if len(starts) != 1:
        raise AssertionError(f"{method} {target}: {len(starts)} response starts ({raised})")
    start = starts[0]
    response_headers = [
        (bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
        for name, value in start.get("headers", [])
    ]
    chunks = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return Answer(start["status"], response_headers, b"".join(chunks), raised)
