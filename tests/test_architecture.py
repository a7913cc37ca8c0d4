"""The cheap layer rules of docs/architecture.md, enforced."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import invoiceport

PACKAGE = Path(invoiceport.__file__).parent
# Where SQL may live: repositories, table definitions, and the database plumbing.
SQL_ALLOWED = {"db.py", "migrate.py", "models.py", "repository.py", "tables.py"}


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def test_dialects_never_import_sqlalchemy_or_repositories() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in python_files(PACKAGE / "dialects")
        for module in imported_modules(path)
        if module.startswith("sqlalchemy") or module.endswith(("repository", "tables"))
    ]
    assert offenders == []


def test_sql_is_built_only_in_repositories_and_tables() -> None:
    """sqlalchemy's query builders (select, insert, update, delete, text) stay in repositories."""
    builders = {"select", "insert", "update", "delete", "text", "tuple_", "and_", "or_"}
    offenders = []
    for path in python_files(PACKAGE):
        if path.name in SQL_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
                used = builders & {alias.name for alias in node.names}
                if used and path.name != "app.py":  # app.py: the readiness probe's SELECT 1
                    offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(used)}")
    assert offenders == []


def test_routes_do_not_reach_into_repositories_except_for_reads() -> None:
    """Writes go through services; an endpoint may read through a repository, never write."""
    for path in python_files(PACKAGE / "admin"):
        source = path.read_text()
        for writer in ("insert_rows", "update_rows", "insert_partner", "revoke_api_key("):
            assert f"repository.{writer}" not in source, (path, writer)


def test_importing_the_app_builds_nothing() -> None:
    """No engine, settings or client is created at import time (create_app does that)."""
    code = (
        "import gc, sqlalchemy.ext.asyncio as a, invoiceport.app, invoiceport.cli;"
        "import invoiceport.admin.endpoints;"
        "print(sum(isinstance(o, a.AsyncEngine) for o in gc.get_objects()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"INVOICEPORT_DATABASE_URL": "not a url", "PATH": ""},
    )
    assert result.stdout.strip() == "0"
