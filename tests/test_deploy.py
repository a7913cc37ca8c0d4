"""docs/deploy.md, as systemd would run it: the processes are started from the unit files' own
`ExecStart` lines and the example environment file (deploy/), against the real PostgreSQL (a new,
empty database) and Redis; two API servers and two webhook workers must serve, share their rate
limits and deliver a signed webhook to a real receiver on loopback."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from standardwebhooks import Webhook

from invoiceport.ops.migrate import current_revision, upgrade
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN, POSTGRES
from tests.factories import invoice_doc
from tests.live import INVOICEPORT, free_port
from tests.webhooks.receiver import receiver

pytestmark = pytest.mark.slow

DEPLOY = Path(__file__).parents[1] / "deploy"
INSTALLED = "/opt/invoiceport/venv/bin/invoiceport"  # where docs/deploy.md installs the command
ENVIRONMENT_FILE = "/etc/invoiceport/invoiceport.env"


def unit(name: str) -> dict[str, list[str]]:
    """`Section.Key` -> values of a unit file (systemd allows a key more than once)."""
    found: dict[str, list[str]] = {}
    section = ""
    for raw in (DEPLOY / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return found


def environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments, outer quotes)."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def command(name: str, instance: str = "") -> tuple[list[str], float]:
    """The unit's ExecStart, as systemd would run it for `instance`, and its TimeoutStopSec."""
    found = unit(name)
    assert found["Service.EnvironmentFile"] == [ENVIRONMENT_FILE]
    (line,) = found["Service.ExecStart"]
    argv = shlex.split(line.replace("%i", instance))
    assert argv[0] == INSTALLED, argv
    stop = float(found.get("Service.TimeoutStopSec", ["90"])[0])
    return [INVOICEPORT, *argv[1:]], stop


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (the units must migrate it themselves)."""
    name = f"invoiceport_deploy_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(POSTGRES, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES} is not available: {exc}")
    yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_unit_files_start_servers_and_workers_that_serve_and_deliver(
    fresh_database: str, tmp_path: Path
) -> None:
    example = environment_file(DEPLOY / "invoiceport.env")
    Settings(_env_file=None, **{k[12:].lower(): v for k, v in example.items() if v})  # type: ignore[arg-type]
    env = {
        "PATH": os.environ["PATH"],
        **example,
        # What an operator fills in, and what this test needs: its own database, a loopback
        # receiver, quick polling, and a rate limit small enough to see shared.
        "INVOICEPORT_DATABASE_URL": fresh_database,
        "INVOICEPORT_ADMIN_TOKEN": ADMIN_TOKEN,
        "INVOICEPORT_WEBHOOK_SIGNING_KEY": "signing-key-" + uuid.uuid4().hex,
        "INVOICEPORT_WEBHOOK_ALLOW_PRIVATE": "true",
        "INVOICEPORT_WEBHOOK_POLL_SECONDS": "0.1",
        "INVOICEPORT_RATE_LIMITS": json.dumps({"scansource": "3/minute"}),
        "INVOICEPORT_RATE_LIMIT_KEY_PREFIX": "deploy-test-" + uuid.uuid4().hex[:8],
    }
    assert env["INVOICEPORT_REDIS_URL"] == "redis://127.0.0.1:6379/0"  # the example's own

    def start(argv: list[str], log: str) -> subprocess.Popen[bytes]:
        with (tmp_path / log).open("wb") as out:
            return subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=out, stderr=out)

    t0 = time.monotonic()
    migrate, _ = command("invoiceport-migrate.service")
    migrated = subprocess.run(migrate, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    print(f"migrated in {time.monotonic() - t0:.1f} s")

    ports = [free_port(), free_port()]
    processes: list[tuple[subprocess.Popen[bytes], float, str]] = []
    began = time.monotonic()
    for port in ports:
        argv, stop = command("invoiceport-server@.service", str(port))
        processes.append((start(argv, f"server-{port}.log"), stop, f"server-{port}.log"))
    for instance in ("1", "2"):
        argv, stop = command("invoiceport-worker@.service", instance)
        processes.append((start(argv, f"worker-{instance}.log"), stop, f"worker-{instance}.log"))
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        for base in servers:
            _wait_ready(base, processes, tmp_path)
        with receiver() as hooks, httpx.Client(timeout=10) as http:
            a, b = servers
            partner = http.post(
                f"{a}/admin/v1/partners",
                json={"name": "Deploy", "customer_numbers": ["C100"]},
                headers=admin,
            ).json()["id"]
            key = http.post(f"{b}/admin/v1/partners/{partner}/api-keys", headers=admin).json()
            client = http.post(f"{a}/admin/v1/partners/{partner}/oauth-clients", headers=admin)
            credentials = (client.json()["client_id"], client.json()["client_secret"])
            token = http.post(
                f"{b}/oauth/oauth30/token",
                data={"grant_type": "client_credentials"},
                auth=credentials,
            ).json()["access_token"]
            subscribed = http.post(
                f"{a}/api/invoice/v1/webhooks",
                json={"url": hooks.url, "events": ["invoice.created"]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert subscribed.status_code == 201, subscribed.text
            secret = subscribed.json()["secret"]

            stored = http.post(f"{b}/admin/v1/invoices", json=invoice_doc(), headers=admin)
            assert stored.json() == {"result": "created", "version": 1}
            hooks.wait_for(lambda got: len(got) >= 1, timeout=30)
            (delivery,) = hooks.snapshot()
            payload = Webhook(secret).verify(delivery.body, delivery.headers)
            assert payload["type"] == "invoice.created"
            assert "INV-1001" in delivery.body.decode()

            # Both servers read the invoice; the Redis limit (3 a minute) is shared by them.
            detail = "/api/invoice/detail/C100/INV-1001"
            answers = [
                http.get(f"{base}{detail}", headers={"Ocp-Apim-Subscription-Key": key["key"]})
                for base in (a, b, a, b)
            ]
            assert [r.status_code for r in answers] == [200, 200, 200, 429]
            print(f"started, served and delivered in {time.monotonic() - began:.1f} s")
        assert asyncio.run(_revision(fresh_database)) is not None
    finally:
        for process, _, _ in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # systemctl stop: KillSignal=SIGTERM
    problems = []
    for process, stop, log in processes:
        try:
            code = process.wait(timeout=stop)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            problems.append(f"{log}: not stopped within TimeoutStopSec={stop}")
            continue
        # systemd counts an exit by SIGTERM as clean (uvicorn re-raises it once shut down).
        if code not in (0, -signal.SIGTERM):
            problems.append(f"{log} exited with {code}:\n{(tmp_path / log).read_text()}")
    assert not problems, problems


def _wait_ready(
    base: str, processes: list[tuple[subprocess.Popen[bytes], float, str]], logs: Path
) -> None:
    deadline = time.monotonic() + 60
    while True:
        for process, _, log in processes:
            if process.poll() is not None:
                pytest.fail(f"{log} exited with {process.returncode}:\n{(logs / log).read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{base} not ready in 60 s")
        time.sleep(0.1)


async def _revision(url: str) -> str | None:
    engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        return await current_revision(engine)
    finally:
        await engine.dispose()


async def _upgrade_together(url: str, count: int) -> None:
    engines = [create_engine(Settings(database_url=url, _env_file=None)) for _ in range(count)]  # type: ignore[call-arg]
    try:
        await asyncio.gather(*(upgrade(engine) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()


def test_processes_started_together_migrate_one_at_a_time(fresh_database: str) -> None:
    """Units started at once on a new database (no migrate unit ordering, e.g. a hand-started
    server beside workers): the migrations take a lock, none fails on a half-made schema."""
    asyncio.run(_upgrade_together(fresh_database, 3))
    assert asyncio.run(_revision(fresh_database)) is not None
