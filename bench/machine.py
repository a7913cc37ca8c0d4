"""What the report says about the machine, the versions and the server's settings."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from load import PRISM, ROOT, SERVER_ENV


def versions(url: str) -> dict[str, str]:
    def cmd(argv: list[str]) -> str:
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    import uvicorn

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = int(next(x.split()[1] for x in meminfo if x.startswith("MemTotal")))
    return {
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.platform()}",
        "Python": platform.python_version(),
        "PostgreSQL": cmd(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"]
        ),
        "uvicorn": uvicorn.__version__,
        "wrk": cmd(["wrk", "--version"]).split(" [")[0],
        "Prism": cmd(["npx", "--yes", PRISM, "--version"]),
        "invoiceport": cmd(["git", "-C", str(ROOT), "describe", "--always", "--dirty"]),
        "server settings": server_settings(url),
    }


def server_settings(url: str) -> str:
    """The settings that shape the figures, as the server reads them (its environment is ours
    plus SERVER_ENV). A setting this version does not have is left out: the fast path's switch
    exists only while `fastpath/` does. The module is looked for where it is and where the
    package's reorganisation may put it."""
    import importlib

    for module in ("invoiceport.settings", "invoiceport.platform.settings"):
        try:
            Settings = importlib.import_module(module).Settings
            break
        except (ImportError, AttributeError):
            continue
    else:
        return "(settings not found)"
    saved = dict(os.environ)
    os.environ.update(SERVER_ENV)
    try:
        settings = Settings(database_url=url)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    shown = []
    for name in ("fast_path", "db_pool_size", "render_cache_size"):
        if name in type(settings).model_fields:
            shown.append(f"{name}={getattr(settings, name)}")
    return ", ".join(shown) or "defaults"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
