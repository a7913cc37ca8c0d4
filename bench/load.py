"""Driving load: wrk runs, the servers under test as process groups, and their workers' RSS."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PORT = 8871  # the server under test: invoiceport or Prism
BASE = f"http://127.0.0.1:{PORT}"
FLOOR_PORT = 8872  # the floors, up during the whole HTTP step (their runs alternate with the app's)
FLOOR_BASE = f"http://127.0.0.1:{FLOOR_PORT}"
PRISM = "@stoplight/prism-cli@5.14.2"
# Ingram's default limit (60 per 60 s, the seed's) would throttle the benchmark: off, as reported.
SERVER_ENV = {"INVOICEPORT_RATE_LIMITS": '{"ingram": "off"}', "INVOICEPORT_LOG_LEVEL": "WARNING"}


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def lua_script(paths: list[str], headers: dict[str, str]) -> str:
    """A wrk script rotating over the paths (each thread starting at its own offset)."""
    quoted = ",\n".join(json.dumps(p) for p in paths)
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
    )
    return f"""
local paths = {{
{quoted}
}}
{header_lines}
i = 0
local counter = 0
function setup(thread)
  thread:set("i", counter * 7919)
  counter = counter + 1
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"""


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        assert match, output
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Run(rps, percentile("50"), percentile("99"), errors)


def worker_pids(master: int) -> list[int]:
    """The server's worker processes: children of the master (uvicorn) or the master (Prism).
    uvicorn's children may include multiprocessing's resource tracker; RSS takes the largest,
    and the profiler the busiest (`busiest_worker`), so it does not matter."""
    try:
        kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids] or [master]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_ticks(pid: int) -> int:
    """utime + stime of a process so far, in clock ticks (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def busiest_worker(master: int) -> int:
    """The worker that has used the most CPU: the one the load reached most."""
    return max(worker_pids(master), key=cpu_ticks)


def wrk(
    script: Path, duration: float, connections: int, master: int, base: str = BASE
) -> tuple[Run, float]:
    """One wrk run; samples the workers' RSS every half second and keeps the largest."""
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.5):
            for pid in worker_pids(master):
                peak = max(peak, rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration:g}s", "--latency", "-s", str(script)]
    try:
        out = subprocess.run([*argv, base], capture_output=True, text=True, check=True).stdout
    finally:
        stop.set()
        sampler.join()
    return parse_wrk(out), peak


def wait_ready(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class Server:
    """A server under test in its own process group (stopped with the whole group)."""

    def __init__(self, argv: list[str], env: dict[str, str], ready: str) -> None:
        self.proc = subprocess.Popen(
            argv,
            env={**os.environ, **env},
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(ready)
        except RuntimeError:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def uvicorn_argv(app: list[str], port: int = PORT) -> list[str]:
    """uvicorn as `invoiceport serve --workers 2 --no-access-log` runs it."""
    return [
        str(BIN / "uvicorn"),
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "2",
        "--no-access-log",
        "--log-level",
        "warning",
        "--no-server-header",
    ]


def get(path: str, headers: dict[str, str], base: str = BASE) -> tuple[int, bytes]:
    """One request to the server under test (or `base`): (status, body), whatever the status."""
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
