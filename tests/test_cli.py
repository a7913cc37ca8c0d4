"""The `invoiceport` command, run as users run it: the installed console script, in a subprocess."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import invoice_doc

INVOICEPORT = str(Path(sys.executable).with_name("invoiceport"))


def run(
    *args: str, database_url: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INVOICEPORT_")}
    if database_url:
        environment["INVOICEPORT_DATABASE_URL"] = database_url
    environment.update(env)
    return subprocess.run(
        [INVOICEPORT, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def write_ndjson(path: Path, docs: list[object]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def test_import_ndjson_reports_counts_and_rejected_lines(database_url: str, tmp_path: Path) -> None:
    docs = [invoice_doc("A"), invoice_doc("B", total="1.00"), invoice_doc("C")]
    path = write_ndjson(tmp_path / "invoices.ndjson", docs)
    result = run("import", str(path), database_url=database_url)
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == "created 2, updated 0, unchanged 0, rejected 1"
    assert "line 2: total: expected 4904.90" in result.stderr
    assert "Traceback" not in result.stderr

    docs[0] = invoice_doc("A", po_number="changed")
    docs[1] = invoice_doc("B")
    write_ndjson(path, docs)
    again = run("import", str(path), database_url=database_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "created 1, updated 1, unchanged 1, rejected 0"


def test_import_json_array_and_no_verify_totals(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "invoices.json"
    path.write_text(json.dumps([invoice_doc("A"), invoice_doc("B", total="1.00"), {"x": 1}]))
    result = run("import", str(path), database_url=database_url)
    assert result.returncode == 1
    assert result.stdout.strip() == "created 1, updated 0, unchanged 0, rejected 2"
    assert "item 3: invoice_number: required" in result.stderr
    relaxed = run("import", "--no-verify-totals", str(path), database_url=database_url)
    assert relaxed.stdout.strip() == "created 1, updated 0, unchanged 1, rejected 1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (
            json.dumps(invoice_doc()).encode() + b"\n" + json.dumps(invoice_doc("B")).encode()[:40],
            "line 2 is not valid JSON (Unterminated string starting at column 25); "
            "the file looks truncated",
        ),
        (b'[{"invoice_number": "A"}, {"invoice', "not valid JSON"),
        (b'{"invoice_number": "caf\xe9"}\n', "not UTF-8 text (invalid byte 0xe9 at line 1)"),
        (b"invoice_number,customer_number\nA,B\n", "line 1 is not valid JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    ],
)
def test_broken_files_give_one_error_line(
    database_url: str, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_bytes(content)
    result = run("import", str(path), database_url=database_url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert message in lines[0]
    assert result.stdout == ""


def test_import_of_a_missing_file(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.ndjson"), database_url=f"sqlite:///{tmp_path}/x.db")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path}/nope.ndjson: no such file"


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run("db", "upgrade", database_url="postgresql://nobody:secret@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: cannot use the database at postgresql://nobody:***@127.0.0.1:1/none"
    )
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
    bad = run("db", "upgrade", database_url="mysql://x")
    assert bad.returncode == 2
    assert "unsupported database 'mysql'" in bad.stderr


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    assert run("db", "current", database_url=url).stdout.strip().startswith("empty")
    upgraded = run("db", "upgrade", database_url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "is at revision" in upgraded.stdout
    assert run("db", "current", database_url=url).stdout.strip() == upgraded.stdout.split()[-1]


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a real terminal (a pty), a long import draws a progress bar; piped output stays clean."""
    path = write_ndjson(tmp_path / "long.ndjson", [invoice_doc(f"P{i}") for i in range(500)])
    assert path.stat().st_size > 256 * 1024
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INVOICEPORT_")}
    environment |= {"INVOICEPORT_DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "COLUMNS": "100"}
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [INVOICEPORT, "import", str(path)], stdout=terminal, stderr=terminal, env=environment
    )
    os.close(terminal)
    seen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the pty closes when the process exits
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=60)
    os.close(controller)
    text = seen.decode(errors="replace")
    assert process.returncode == 0, text
    assert "importing" in text and "━" in text
    assert "created 500, updated 0, unchanged 0, rejected 0" in text


def test_partner_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/p.db"
    assert run("db", "upgrade", database_url=url).returncode == 0
    created = run(
        "partner", "create", "Acme", "--customer", "C1", "--customer", "C2", database_url=url
    )
    assert created.stdout.strip() == "1", created.stderr
    key = run("partner", "add-key", "1", database_url=url)
    assert key.stdout.startswith("id=1 key=")
    client = run("partner", "add-client", "1", "--scope", "invoice.history.read", database_url=url)
    client_id = client.stdout.split()[0].removeprefix("client_id=")
    assert run("partner", "grant", "1", "C3", database_url=url).returncode == 0
    listed = run("partner", "list", database_url=url).stdout
    assert listed.strip() == "1\tAcme\tcustomers=C1,C2,C3\tapi_keys=1\toauth_clients=1"
    assert run("partner", "revoke-key", "1", "1", database_url=url).returncode == 0
    assert run("partner", "revoke-client", "1", client_id, database_url=url).returncode == 0
    listed = run("partner", "list", database_url=url).stdout
    assert "api_keys=0\toauth_clients=0" in listed
    missing = run("partner", "add-key", "9", database_url=url)
    assert (missing.returncode, missing.stderr.strip()) == (2, "error: partner 9 not found")
    bad_scope = run("partner", "add-client", "1", "--scope", "everything", database_url=url)
    assert bad_scope.returncode == 2 and bad_scope.stderr.startswith("error: invalid scope")


ADM = "adm_" + "0123456789" * 3


@pytest.mark.parametrize("token", ["adm", " " * 40])
def test_serve_refuses_a_weak_admin_token(tmp_path: Path, token: str) -> None:
    result = run("serve", database_url=f"sqlite:///{tmp_path}/t.db", INVOICEPORT_ADMIN_TOKEN=token)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: invalid settings: INVOICEPORT_ADMIN_TOKEN: Value error, must be at least 32 "
        "printable characters without spaces"
    ), result.stderr
    assert token.strip() == "" or token not in result.stderr  # the weak token is not echoed


def test_demo_prints_working_credentials(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/demo.db"
    result = run(
        "demo", "--seed", "7", "--invoices", "30", database_url=url, INVOICEPORT_ADMIN_TOKEN=ADM
    )
    assert result.returncode == 0, result.stderr
    # 30 + 6 sandbox + 2 Ingram samples + 4 Ingram XI + 8 EU e-invoice documents
    assert "demo data: 50 created, 0 updated, 0 unchanged invoices" in result.stdout
    worker = [line for line in result.stdout.splitlines() if line.endswith(" worker")]
    settings = f"INVOICEPORT_DATABASE_URL={url} INVOICEPORT_WEBHOOK_ALLOW_PRIVATE=true"
    assert worker == [f"  {settings} {INVOICEPORT} worker"]
    assert "API key (Ocp-Apim-Subscription-Key): " in result.stdout
    assert (
        f"curl -s -H 'Authorization: Bearer {ADM}' http://127.0.0.1:8000/admin/v1/invoices/"
        in result.stdout
    )
    _the_printed_web_logins_sign_in(result.stdout, url)
    again = run("demo", "--seed", "7", "--invoices", "30", database_url=url)
    assert "0 created, 0 updated, 50 unchanged" in again.stdout  # deterministic: same data again
    assert "/portal/  user" not in again.stdout  # the users exist: their passwords are not shown
    reset = run("demo", "--seed", "8", "--invoices", "30", "--reset", database_url=url)
    assert "50 created" in reset.stdout


def _the_printed_web_logins_sign_in(stdout: str, url: str) -> None:
    """The portal and console logins `make run` prints sign in, each to its own side."""
    import asyncio
    from datetime import UTC, datetime

    from invoiceport.accounts import service as accounts
    from invoiceport.platform.db import create_engine
    from invoiceport.settings import Settings

    printed = {}
    for line in stdout.splitlines():
        for role, path in (("portal", "/portal/  user "), ("console", "/console/  user ")):
            if path in line:
                user, password = line.split(path, 1)[1].split("  password ")
                printed[role] = (user, password)
    assert set(printed) == {"portal", "console"}, stdout

    async def sign_in() -> None:
        engine = create_engine(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]
        try:
            now = datetime.now(UTC)
            for role, (user, password) in printed.items():
                signed = await accounts.sign_in(engine, role, user, password, now)  # type: ignore[arg-type]
                assert signed.token
            with pytest.raises(accounts.SignInRefused):  # a portal login is not a console login
                await accounts.sign_in(engine, "console", *printed["portal"], now)
        finally:
            await engine.dispose()

    asyncio.run(sign_in())


def test_partner_create_names_a_bad_customer_number(tmp_path: Path) -> None:
    """The key-part checks run as a pattern; the CLI still words a refusal as the check does,
    and names the field as the admin API does (issue 18: the same validation, the same words)."""
    url = f"sqlite:///{tmp_path}/p.db"
    assert run("db", "upgrade", database_url=url).returncode == 0
    for number, message in (
        ("A/B", "must not contain '/'"),
        (" A", "must not start or end with white space"),
        ("A\x01", "must not contain control characters"),
    ):
        created = run("partner", "create", "Acme", "--customer", number, database_url=url)
        assert created.returncode == 2
        assert created.stderr.strip() == f"error: invalid partner: customer_numbers[0]: {message}"
