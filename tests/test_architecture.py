"""The layer rules of docs/architecture.md, enforced.

The import rules are data (`IMPORT_RULES`) checked by one function over the package's source;
each rule also has a test that plants a violation in a scratch package and expects it caught.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import invoiceport

PACKAGE = Path(invoiceport.__file__).parent
SOURCE_ROOT = PACKAGE.parent
# Where SQL may live: repositories (a module, or a package of them), table definitions, and the
# database plumbing.
SQL_ALLOWED = {"db.py", "migrate.py", "models.py", "repository.py", "tables.py"}

MAX_MODULE_LINES = 400
# Modules allowed over the limit while they are being split: none now. A module that must grow
# past it goes here, with the work that will split it.
SIZE_SPLIT_PENDING: frozenset[str] = frozenset()

CORE = ("invoices", "partners", "webhooks", "ratelimit", "pdf", "oauth", "einvoice")


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@dataclass(frozen=True, slots=True)
class ImportRule:
    name: str
    scope: tuple[str, ...]  # the packages (or modules) the rule is about
    forbidden: tuple[str, ...]  # modules they may not import, with everything under them
    forbidden_parts: frozenset[str] = frozenset()  # nor any module with such a component
    exempt: frozenset[str] = frozenset()

    def covers(self, module: str) -> bool:
        return _under(module, *self.scope) and module not in self.exempt

    def refuses(self, imported: str) -> bool:
        parts = set(imported.split("."))
        return _under(imported, *self.forbidden) or bool(parts & self.forbidden_parts)


CORE_NEVER_IMPORTS_A_DIALECT = ImportRule(
    "the core never imports a dialect",
    scope=tuple(f"invoiceport.{name}" for name in CORE),
    forbidden=("invoiceport.dialects",),
    exempt=frozenset({"invoiceport.oauth.endpoints"}),  # the token route answers in dialects
)
DIALECTS_NEVER_TOUCH_THE_DATABASE = ImportRule(
    "dialects never import the database layer, SQLAlchemy or a repository",
    scope=("invoiceport.dialects",),
    forbidden=("invoiceport.platform.db", "invoiceport.platform.db", "sqlalchemy", "asyncpg"),
    forbidden_parts=frozenset({"repository", "tables"}),
)
NO_HTTP_IN_THE_CORE = ImportRule(
    "no Starlette or FastAPI in partners, ratelimit, invoices, webhooks",
    scope=tuple(
        f"invoiceport.{name}" for name in ("partners", "ratelimit", "invoices", "webhooks")
    ),
    forbidden=("starlette", "fastapi"),
)
IMPORT_RULES = (
    CORE_NEVER_IMPORTS_A_DIALECT,
    DIALECTS_NEVER_TOUCH_THE_DATABASE,
    NO_HTTP_IN_THE_CORE,
)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module `source` imports, anywhere in it (lazy imports inside functions too), as
    absolute names: `from invoiceport import dialects` counts as `invoiceport.dialects`, and
    `importlib.import_module("...")` with a literal name counts."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def _is_dynamic_import(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in ("import_module", "__import__") and bool(call.args)


def source_modules(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted((root / "invoiceport").rglob("*.py")):
        if "migrations" not in path.parts:
            yield module_name(path, root), path


def import_violations(root: Path, rules: tuple[ImportRule, ...] = IMPORT_RULES) -> list[str]:
    found = []
    for module, path in source_modules(root):
        applicable = [rule for rule in rules if rule.covers(module)]
        if not applicable:
            continue
        imported = imports_in(path.read_text(), module, is_package=path.name == "__init__.py")
        for rule in applicable:
            refused = {name for name in imported if rule.refuses(name)}
            # `from a import b` imports `a` and `a.b`: name the outermost refused module once.
            outermost = {n for n in refused if not any(n.startswith(p + ".") for p in refused)}
            found += [f"{module} imports {name}: {rule.name}" for name in sorted(outermost)]
    return found


def oversized_modules(root: Path, allowed: frozenset[str] = SIZE_SPLIT_PENDING) -> list[str]:
    found = []
    for module, path in source_modules(root):
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES and module not in allowed:
            found.append(f"{module}: {lines} lines (at most {MAX_MODULE_LINES})")
    return found


# --- the rules hold ------------------------------------------------------------------------------


def test_the_layers_point_one_way() -> None:
    assert import_violations(SOURCE_ROOT) == []


def test_no_module_is_over_400_lines() -> None:
    assert oversized_modules(SOURCE_ROOT) == []


# --- and a planted violation of each is caught ---------------------------------------------------


def _plant(root: Path, module: str, source: str) -> Path:
    """A scratch package tree under `root` with one module holding `source`."""
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in path.relative_to(root).parents:
        if folder != Path("."):
            (root / folder / "__init__.py").touch()
    path.write_text(source)
    return path


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        (
            "invoiceport.webhooks.planted",
            "from invoiceport.dialects.abcsupply.views import item\n",
            CORE_NEVER_IMPORTS_A_DIALECT,
        ),
        (
            "invoiceport.pdf.planted",
            "def later():\n    from ..dialects import abcsupply\n",  # relative, lazy
            CORE_NEVER_IMPORTS_A_DIALECT,
        ),
        (
            "invoiceport.invoices.planted",
            "from invoiceport import dialects\n",
            CORE_NEVER_IMPORTS_A_DIALECT,
        ),
        (
            "invoiceport.oauth.planted",  # only oauth's endpoints module may
            "import importlib\nimportlib.import_module('invoiceport.dialects.ingram')\n",
            CORE_NEVER_IMPORTS_A_DIALECT,
        ),
        (
            "invoiceport.dialects.acme.views",
            "from invoiceport.platform.db import utcnow\n",
            DIALECTS_NEVER_TOUCH_THE_DATABASE,
        ),
        (
            "invoiceport.dialects.acme.views",
            "import invoiceport.platform.db as db\n",
            DIALECTS_NEVER_TOUCH_THE_DATABASE,
        ),
        (
            "invoiceport.dialects.acme.routes",
            "from sqlalchemy import select\n",
            DIALECTS_NEVER_TOUCH_THE_DATABASE,
        ),
        (
            "invoiceport.dialects.acme.routes",
            "from invoiceport.webhooks.repository import outbox\n",
            DIALECTS_NEVER_TOUCH_THE_DATABASE,
        ),
        (
            "invoiceport.partners.planted",
            "from starlette.requests import Request\n",
            NO_HTTP_IN_THE_CORE,
        ),
        ("invoiceport.ratelimit.planted", "import fastapi\n", NO_HTTP_IN_THE_CORE),
        (
            "invoiceport.invoices.planted",
            "from fastapi.responses import Response\n",
            NO_HTTP_IN_THE_CORE,
        ),
        ("invoiceport.webhooks.planted", "from starlette import status\n", NO_HTTP_IN_THE_CORE),
    ],
)
def test_a_planted_import_violation_is_caught(
    tmp_path: Path, module: str, source: str, rule: ImportRule
) -> None:
    _plant(tmp_path, module, source)
    found = import_violations(tmp_path)
    assert len(found) == 1 and found[0].startswith(f"{module} imports "), found
    assert found[0].endswith(rule.name)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("invoiceport.oauth.endpoints", "from invoiceport.dialects.ingram import errors\n"),
        ("invoiceport.dialects.acme.views", "from invoiceport.invoices.schemas import Line\n"),
        ("invoiceport.dialects.acme.routes", "from fastapi import APIRouter\n"),
        (
            "invoiceport.webhooks.planted",
            "from invoiceport.dbtools import x  # not invoiceport.platform.db\n",
        ),
        ("invoiceport.app", "from invoiceport.dialects import abcsupply\n"),  # the app composes
        ("invoiceport.pdf.http", "from starlette.responses import Response\n"),  # pdf may serve
    ],
)
def test_what_the_rules_allow_is_not_reported(tmp_path: Path, module: str, source: str) -> None:
    """The planted violations above are caught for what they import, not for existing."""
    _plant(tmp_path, module, source)
    assert import_violations(tmp_path) == []


def test_a_planted_oversized_module_is_caught(tmp_path: Path) -> None:
    _plant(tmp_path, "invoiceport.webhooks.big", "x = 1\n" * (MAX_MODULE_LINES + 1))
    _plant(tmp_path, "invoiceport.webhooks.fits", "x = 1\n" * MAX_MODULE_LINES)
    assert oversized_modules(tmp_path) == [
        f"invoiceport.webhooks.big: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})"
    ]


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def test_sql_is_built_only_in_repositories_and_tables() -> None:
    """sqlalchemy's query builders (select, insert, update, delete, text) stay in repositories."""
    builders = {"select", "insert", "update", "delete", "text", "tuple_", "and_", "or_"}
    offenders = []
    for path in python_files(PACKAGE):
        if path.name in SQL_ALLOWED or path.parent.name == "repository":
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
