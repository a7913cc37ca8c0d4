"""A real HTTP receiver on loopback that records every webhook request (for delivery tests).

It runs in a thread of the test process (`ThreadingHTTPServer`, one thread per connection), so
workers in other processes reach it over real sockets. `respond` decides each answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    started: float
    finished: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    def json(self) -> dict[str, object]:
        data: dict[str, object] = orjson.loads(self.body)
        return data


Answer = tuple[int, dict[str, str]]
Responder = Callable[[int, dict[str, str], bytes], Answer]


def always_ok(_index: int, _headers: dict[str, str], _body: bytes) -> Answer:
    return 200, {}


@dataclass
class Receiver:
    url: str
    respond: Responder = always_ok
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, status: int = 200) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == status]

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def wait_for(self, condition: Callable[[list[Received]], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.snapshot()):
            if time.monotonic() > deadline:
                raise AssertionError(f"receiver: condition not met in {timeout} s")
            time.sleep(0.02)


@contextmanager
def receiver(respond: Responder = always_ok, *, delay: float = 0.0) -> Iterator[Receiver]:
    state = Receiver(url="", respond=respond, delay=delay)
    counter = iter(range(10**9))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

        def do_POST(self) -> None:
            started = time.monotonic()
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            with state.lock:
                index = next(counter)
            status, extra = state.respond(index, headers, body)
            if state.delay:
                time.sleep(state.delay)
            answer = b'{"ok": true}' if status < 300 else b'{"error": "try later"}'
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            with state.lock:
                state.received.append(
                    Received(self.path, headers, body, status, started, time.monotonic())
                )

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gave up (timeouts, killed workers) is expected here

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
