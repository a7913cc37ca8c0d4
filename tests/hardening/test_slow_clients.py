"""Clients that go away, trickle, or hold connections, against a real `invoiceport serve`:
a disconnect is a 499 and one log line, slow headers and bodies meet deadlines, connections are
capped. The figures measured here are in docs/hardening.md."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.live import live_server

pytestmark = pytest.mark.slow


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def _count(metrics: str, route: str, status: int) -> float:
    labels = f'method="POST",route="{re.escape(route)}",status="{status}"'
    pattern = rf"invoiceport_requests_total{{{labels}}} (\S+)"
    found = re.search(pattern, metrics)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_client_leaving_mid_body_is_a_499_and_one_log_line(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "server.log"
    with live_server(database_url, log=log) as base:
        for _ in range(3):
            sock = _connect(base)
            sock.sendall(
                b"POST /oauth/token HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                b"grant_type=client_cre"
            )
            time.sleep(0.2)
            sock.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            metrics = httpx.get(f"{base}/metrics").text
            if _count(metrics, "/oauth/token", 499) >= 3:
                break
            time.sleep(0.1)
    assert _count(metrics, "/oauth/token", 499) == 3, metrics
    assert _count(metrics, "/oauth/token", 500) == 0
    text = log.read_text()
    assert "Traceback" not in text and "ERROR" not in text, text
    lines = [line for line in text.splitlines() if "disconnected" in line]
    assert (
        lines
        == ["INFO invoiceport: client disconnected before its request was read: POST /oauth/token"]
        * 3
    ), text


def _trickle(base: str, every: float, results: list[tuple[bytes, float]]) -> None:
    """A request line, then a header line every `every` seconds, never the blank line."""
    sock = _connect(base)
    started = time.monotonic()
    sock.sendall(b"GET /healthz HTTP/1.1\r\n")
    sock.settimeout(every)
    got = b""
    for n in range(20):
        try:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += chunk
            continue
        except TimeoutError:
            pass
        except ConnectionResetError:
            break
        try:
            sock.sendall(b"X-Slow-%d: 1\r\n" % n)
        except OSError:
            break
    results.append((got, time.monotonic() - started))
    sock.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_slow_headers_and_bodies_are_cut_off_at_their_deadlines(
    database_url: str, tmp_path: Path
) -> None:
    """5 sockets sending a header line every 5 s are closed with 408 at the header deadline
    (before their second line); a body sent a byte a second is cut at the body deadline."""
    timeouts = {"http_header_timeout_seconds": "3", "http_body_timeout_seconds": "3"}
    with live_server(database_url, log=tmp_path / "server.log", **timeouts) as base:
        results: list[tuple[bytes, float]] = []
        threads = [threading.Thread(target=_trickle, args=(base, 5.0, results)) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert len(results) == 5
        for got, seconds in results:
            assert got.startswith(b"HTTP/1.1 408 Request Timeout"), got
            assert 2.5 <= seconds < 5, seconds  # at the deadline, before the second header line
        print(f"\nheader trickle closed after {sorted(round(s, 2) for _, s in results)} s")

        sock = _connect(base)
        sock.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n")
        started = time.monotonic()
        for _ in range(10):
            try:
                sock.sendall(b"a")
            except OSError:
                break
            time.sleep(1)
            sock.settimeout(0.01)
            try:
                if sock.recv(1) == b"":
                    break
            except TimeoutError:
                continue
            except ConnectionResetError:
                break
        body_seconds = time.monotonic() - started
        sock.close()
        assert 2.5 <= body_seconds < 6, body_seconds  # the clocks start a moment apart
        print(f"body trickle closed after {body_seconds:.2f} s")
        assert httpx.get(f"{base}/healthz").status_code == 200  # others are served throughout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_connections_above_the_limit_get_503(database_url: str) -> None:
    with live_server(database_url, http_max_connections="4") as base:
        held = [_connect(base) for _ in range(4)]
        time.sleep(0.3)
        try:
            refused = httpx.get(f"{base}/healthz", timeout=10)
            assert refused.status_code == 503, refused.text
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.3)
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
