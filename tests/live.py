"""Real server processes for tests that need the real HTTP stack (uvicorn, sockets, workers)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

INVOICEPORT = str(Path(sys.executable).with_name("invoiceport"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cli_env(database_url: str, **settings: str) -> dict[str, str]:
    """Environment for an `invoiceport` process: ours minus INVOICEPORT_*, plus these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVOICEPORT_")}
    env["INVOICEPORT_DATABASE_URL"] = database_url
    env.update({f"INVOICEPORT_{k.upper()}": v for k, v in settings.items()})
    return env


@contextmanager
def live_server(
    database_url: str,
    *,
    workers: int = 1,
    timeout: float = 30,
    log: Path | None = None,
    access_log: bool = False,
    **settings: str,
) -> Iterator[str]:
    """`invoiceport serve` on a free loopback port; yields its base URL, stops it afterwards.
    With `log`, the server's output goes to that file (for tests that read its logs)."""
    port = free_port()
    sink = log.open("wb") if log is not None else subprocess.PIPE
    access = "--access-log" if access_log else "--no-access-log"
    process = subprocess.Popen(
        [INVOICEPORT, "serve", "--port", str(port), "--workers", str(workers), access],
        env=cli_env(database_url, **settings),
        stdout=sink,
        stderr=subprocess.STDOUT,
    )
    if log is not None:
        sink.close()  # type: ignore[union-attr]
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                output = output or (log.read_text() if log is not None else "")
                raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start in time")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
