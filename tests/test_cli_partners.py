"""`invoiceport partner ...` as users run it (issue 17): the commands migrate a new database
themselves, manage grants, names and deletion, and refuse what the admin API refuses, in its
words."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest.mock import patch

import pytest

from invoiceport import cli
from tests.test_cli import run


def test_partner_commands_migrate_and_manage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new.db"  # never upgraded: the first command migrates it
    created = run("partner", "create", "Acme", "--customer", "C1", database_url=url)
    assert (created.returncode, created.stdout.strip()) == (0, "1"), created.stderr
    assert run("partner", "rename", "1", " Acme Ltd ", database_url=url).returncode == 0
    assert run("partner", "grant", "1", "C2", "C3", database_url=url).returncode == 0
    assert run("partner", "revoke", "1", "C1", "NEVER", database_url=url).returncode == 0
    listed = run("partner", "list", database_url=url).stdout
    assert listed.strip() == "1\tAcme Ltd\tcustomers=C2,C3\tapi_keys=0\toauth_clients=0"

    refused = run("partner", "delete", "1", database_url=url)  # no terminal: nobody said yes
    assert (refused.returncode, refused.stderr.strip()) == (
        2,
        "error: not deleted: add --yes when there is no terminal to ask on",
    )
    assert run("partner", "delete", "1", "--yes", database_url=url).returncode == 0
    assert run("partner", "list", database_url=url).stdout == ""
    again = run("partner", "delete", "1", "--yes", database_url=url)
    assert (again.returncode, again.stderr.strip()) == (2, "error: partner 1 not found")


def _refusal(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The command's exit code and error line, run in this process: these refusals come before
    any database work, and a process start costs ~2 s (the full runs are above)."""
    with pytest.raises(SystemExit) as exited, patch.object(sys, "argv", ["invoiceport", *args]):
        cli.main()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err.strip()


def test_partner_commands_refuse_what_the_admin_api_refuses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusals as tests/test_admin_partners.py, worded as the admin API words them."""
    monkeypatch.setenv("INVOICEPORT_DATABASE_URL", f"sqlite:///{tmp_path}/never.db")
    for args, message in (
        (("rename", "1", "  "), "invalid partner: name: string should have at least 1 character"),
        (("rename", "1", "A\x01B"), "invalid partner: name: must not contain control characters"),
        (("grant", "1", "a/b"), "invalid grant: customer_numbers[0]: must not contain '/'"),
        (
            ("revoke", "1", " X"),
            "invalid grant: customer_numbers[0]: must not start or end with white space",
        ),
        (("revoke-client", "1", "c" * 65), "invalid client id: at most 64 characters"),
        (("rename", "0", "X"), "1<=x<=2147483647"),
        (("delete", str(2**31), "--yes"), "1<=x<=2147483647"),
    ):
        code, error = _refusal(capsys, "partner", *args)
        assert code == 2, (args, error)
        assert message in error, (args, error)
    assert not (tmp_path / "never.db").exists()  # refused before touching the database
