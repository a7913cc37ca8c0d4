"""`--profile`: py-spy on one server worker (or on the import) while a missed target is re-run,
reduced to the frames that hold the most self time.

py-spy samples the process from outside (`--nonblocking`: it does not stop the process to read
its stacks, so the load is what it was), 100 times a second, idle threads left out: the
percentages are of the samples in which the worker was running (blocking waits that py-spy
counts as running, `WAITS`, are left out too). A frame's self time includes the native code and
the system calls made from it. The speedscope file is kept beside the report for a closer look
(https://www.speedscope.app).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from load import BIN, ROOT
from scenarios import Profile

RATE = 100  # samples a second
TOP = 12
# Leaf frames that are a thread blocked waiting, which py-spy's idle heuristic sometimes counts as
# running (seen: uvicorn's worker thread reading its supervisor's pipe, a third of the samples).
WAITS = {
    ("Connection._recv", "multiprocessing/connection.py"),
    ("EpollSelector.select", "selectors.py"),
    ("Condition.wait", "threading.py"),
}


def py_spy() -> str:
    """The py-spy executable (bench/requirements.txt installs it into the venv)."""
    found = BIN / "py-spy"
    if found.exists():
        return str(found)
    on_path = shutil.which("py-spy")
    if on_path is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install -r bench/requirements.txt")
    return on_path


def record_argv(out: Path, seconds: float | None = None) -> list[str]:
    argv = [py_spy(), "record", "--nonblocking", "--rate", str(RATE), "--format", "speedscope"]
    if seconds is not None:
        argv += ["--duration", str(max(1, round(seconds)))]
    return [*argv, "--output", str(out)]


def attach(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Start recording a running process for `seconds`; wait() on the result, then `read`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [*record_argv(out, seconds), "--pid", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def where(file: str, line: int) -> str:
    """A frame's file, short: from the package down (site-packages, src/ or the stdlib)."""
    for marker in ("site-packages/", "/src/", f"{ROOT}/"):
        if marker in file:
            return f"{file.split(marker, 1)[1]}:{line}"
    stdlib = re.search(r"/lib/python3\.\d+/(.*)", file)
    return f"{stdlib.group(1) if stdlib else file}:{line}"


def package(file: str) -> str:
    """Who the time belongs to: invoiceport's subpackage, a dependency, or the stdlib module."""
    if "/src/invoiceport/" in file:
        rest = file.split("/src/invoiceport/", 1)[1].split("/")
        return "invoiceport." + (rest[0] if len(rest) > 1 else rest[0].removesuffix(".py"))
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/")[0].removesuffix(".py")
    stdlib = re.search(r"/lib/python3\.\d+/([^/]+)", file)
    if stdlib:
        return stdlib.group(1).removesuffix(".py") + " (stdlib)"
    if file.startswith(f"{ROOT}/"):
        return file.removeprefix(f"{ROOT}/").removesuffix(".py").replace("/", ".")
    return file or "?"


def read(path: Path, seconds: float) -> Profile:
    """Self and total time per function over every sampled thread and process in the file (each
    sample counts once: py-spy's weights are its sampling interval)."""
    data = json.loads(path.read_text())
    frames = data["shared"]["frames"]
    # `--subprocesses` roots every stack in a frame naming the process: not code, left out.
    synthetic = {
        i for i, f in enumerate(frames) if not f.get("file") and f["name"].startswith("process ")
    }
    waits = {
        i
        for i, f in enumerate(frames)
        if any(f["name"] == n and f.get("file", "").endswith(w) for n, w in WAITS)
    }
    self_time: Counter[int] = Counter()
    total_time: Counter[tuple[str, str]] = Counter()
    samples = 0
    for profile in data["profiles"]:
        for sampled in profile["samples"]:
            stack = [i for i in sampled if i not in synthetic]
            if not stack or stack[-1] in waits:
                continue
            samples += 1
            self_time[stack[-1]] += 1  # speedscope: outermost frame first, leaf last
            for name_file in {(frames[i]["name"], frames[i].get("file", "")) for i in stack}:
                total_time[name_file] += 1
    by_function: Counter[tuple[str, str]] = Counter()
    first_line: dict[tuple[str, str], int] = {}
    by_package: Counter[str] = Counter()
    for index, weight in self_time.items():
        frame = frames[index]
        function = (frame["name"], frame.get("file", ""))
        by_function[function] += weight
        first_line.setdefault(function, frame.get("line", 0))
        by_package[package(function[1])] += weight
    share = 100 / samples if samples else 0.0
    rows = [
        (n * share, total_time[f] * share, f[0], where(f[1], first_line[f]))
        for f, n in by_function.most_common(TOP)
    ]
    packages = [(name, n * share) for name, n in by_package.most_common(8)]
    shown = path.resolve()
    shown_path = str(shown.relative_to(ROOT)) if shown.is_relative_to(ROOT) else str(shown)
    return Profile(shown_path, samples, seconds, rows, packages)


def table(profile: Profile) -> list[str]:
    """The Markdown lines for one profile."""
    lines = [
        f"{profile.samples:,} samples with Python running over {profile.seconds:.0f} s at {RATE}/s"
        f" (a thread busy throughout gives {RATE * profile.seconds:,.0f}); speedscope file:"
        f" `{profile.path}`.",
        "",
        "Self time by package: "
        + ", ".join(f"{name} {pct:.0f} %" for name, pct in profile.packages)
        + ".",
        "",
        "| self % | total % | function | where |",
        "|---:|---:|---|---|",
    ]
    for self_pct, total_pct, function, at in profile.rows:
        lines.append(f"| {self_pct:.1f} | {total_pct:.1f} | `{function}` | `{at}` |")
    return lines
