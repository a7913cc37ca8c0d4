"""`invoiceport`: one command line for serving, migrating, importing, demo data and partners.

Every command goes through the same services as the HTTP API. Errors a user can cause (a bad file,
an unreachable database) end in one `error: ...` line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport import __version__
from invoiceport.ops.importfile import UNITS, ImportFileError, file_kind
from invoiceport.ops.imports import import_file
from invoiceport.platform import logs
from invoiceport.platform.db import create_engine
from invoiceport.settings import Settings

T = TypeVar("T")
from invoiceport.cli_partners import partner_app  # noqa: E402
from invoiceport.cli_users import console_app, portal_app  # noqa: E402

app = typer.Typer(
    name="invoiceport",
    help="Partner invoice API server (ScanSource, ABC Supply and Ingram Micro dialects).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(partner_app, name="partner")
app.add_typer(console_app, name="console-user")
app.add_typer(portal_app, name="portal-user")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class CliError(Exception):
    """A problem to report as one line, exiting with `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"INVOICEPORT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise CliError(f"invalid settings: {problems}") from None


def _configure_logging(settings: Settings) -> None:
    try:
        logs.configure(settings.log_level)
    except ValueError as exc:
        raise CliError(f"invalid settings: INVOICEPORT_LOG_LEVEL: {exc}") from None


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot parse is shown without its user part
        return url.rsplit("@", 1)[-1]


def _run(settings: Settings, work: Callable[[AsyncEngine], Coroutine[Any, Any, T]]) -> T:
    """Run `work` with an engine, turning database outages into one clear line."""

    async def main() -> T:
        engine = create_engine(settings)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except (OSError, TimeoutError, DBAPIError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise CliError(
            f"cannot use the database at {_safe_url(settings.database_url)}: "
            f"{type(reason).__name__}: {str(reason).splitlines()[0] if str(reason) else ''}"
        ) from None


@app.callback()
def _root(
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="Database URL (overrides INVOICEPORT_DATABASE_URL): sqlite:///file.db or "
            "postgresql://user@host:port/db",
        ),
    ] = None,
) -> None:
    if database:
        os.environ["INVOICEPORT_DATABASE_URL"] = database


def _register_webhook_payloads() -> None:
    """Ingest writes webhook events, whose `data` a dialect renders; without an app (which
    registers it on start), the commands that ingest register it themselves."""
    from invoiceport.dialects.abcsupply import register_webhook_payloads

    register_webhook_payloads()


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database to the newest schema (or to REVISION)."""
    from invoiceport.ops.migrate import current_revision, upgrade

    settings = _settings()

    async def work(engine: AsyncEngine) -> str | None:
        await upgrade(engine, revision)
        return await current_revision(engine)

    now = _run(settings, work)
    out.print(f"database {_safe_url(settings.database_url)} is at revision {now}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision."""
    from invoiceport.ops.migrate import current_revision

    out.print(_run(_settings(), current_revision) or "empty (run `invoiceport db upgrade`)")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
) -> None:
    """Migrate the database, then serve the API."""
    import uvicorn

    from invoiceport.ops.migrate import upgrade
    from invoiceport.platform.server import uvicorn_options

    settings = _settings()
    _configure_logging(settings)
    if settings.admin_token is None or not settings.admin_token.get_secret_value():
        # Said once here, not by each of the --workers processes.
        logging.getLogger("invoiceport").warning(
            "INVOICEPORT_ADMIN_TOKEN is not set: the admin API (/admin/v1: ingest, partners) is off"
        )
    _run(settings, upgrade)
    uvicorn.run(
        "invoiceport.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_config=logs.log_config(settings.log_level),  # applied in every server process
        log_level=settings.log_level.lower(),
        server_header=False,
        **uvicorn_options(settings),  # read deadlines, connection limit, keep-alive
    )


@app.command("import")
def import_command(
    path: Annotated[
        Path,
        typer.Argument(help="NDJSON (one invoice a line), a JSON array or one JSON document"),
    ],
    verify_totals: Annotated[
        bool, typer.Option("--verify-totals/--no-verify-totals", help="Check the arithmetic")
    ] = True,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Default: on a terminal")
    ] = None,
) -> None:
    """Import canonical invoices from a file (exit 1 when some were rejected, 2 on bad input)."""
    from invoiceport.einvoice.ingest import ingest_check
    from invoiceport.ops.migrate import upgrade

    settings = _settings()
    _register_webhook_payloads()

    async def work(engine: AsyncEngine) -> Any:
        await upgrade(engine)
        return await import_file(
            engine,
            path,
            verify_totals=verify_totals,
            batch_size=settings.bulk_batch_size,
            max_line_bytes=settings.max_body_bytes,
            console=err,
            progress=progress,
            check=ingest_check(settings),
        )

    try:
        report = _run(settings, work)
    except ImportFileError as exc:
        raise CliError(str(exc)) from None
    unit = UNITS[file_kind(path)]
    for rejection in report.rejected:
        for problem in rejection.errors:
            err.print(f"{unit} {rejection.line}: {problem}", markup=False)
    out.print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.rejected)}"
    )
    if report.rejected:
        raise typer.Exit(1)


@app.command("export")
def export_command(
    format: Annotated[str, typer.Option("--format", help="peppol-bis3, xrechnung, cii or facturx")],
    out_dir: Annotated[Path, typer.Option("--out", help="Directory the files are written to")],
    customer: Annotated[str | None, typer.Option(help="Only this customer number")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only invoices dated on or after (YYYY-MM-DD)")
    ] = None,
    environment: Annotated[str, typer.Option(help="production or sandbox")] = "production",
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Default: on a terminal")
    ] = None,
) -> None:
    """Export validated e-invoices (exit 1 when some were refused, 2 on bad input)."""
    from invoiceport.ops.cli_export import run_export

    code = run_export(
        _settings(), _run, out, err, format, out_dir, customer, since, environment, progress
    )
    if code:
        raise typer.Exit(code)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Same seed, same data")] = 1,
    invoices: Annotated[int, typer.Option(min=0, max=1_000_000, help="Production invoices")] = 200,
    reset: Annotated[bool, typer.Option(help="Delete ALL invoices and partners first")] = False,
    base_url: Annotated[str, typer.Option(help="Used in the printed curl lines")] = (
        "http://127.0.0.1:8000"
    ),
) -> None:
    """Load deterministic demo data and a demo partner; print its credentials and curl lines."""
    from invoiceport.ops.demo_setup import load_demo

    settings = _settings()
    _register_webhook_payloads()
    summary = _run(settings, lambda engine: load_demo(engine, seed, invoices, reset=reset))
    admin_token = settings.admin_token.get_secret_value() if settings.admin_token else None
    for line in summary.describe(base_url, admin_token, _worker_command(settings)):
        out.print(line, markup=False)


def _worker_command(settings: Settings) -> str:
    """How to start a webhook worker on the same database (a demo's receivers are local)."""
    import shlex

    program = Path(sys.argv[0])
    program = program if program.name == "invoiceport" else Path("invoiceport")
    database = shlex.quote(_safe_url(settings.database_url))
    return (
        f"INVOICEPORT_DATABASE_URL={database} INVOICEPORT_WEBHOOK_ALLOW_PRIVATE=true "
        f"{shlex.quote(str(program))} worker"
    )


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, max=1000, help="Requests in flight at once")
    ] = None,
) -> None:
    """Deliver webhooks until stopped (Ctrl-C, SIGTERM); on PostgreSQL run as many as you like."""
    from invoiceport.ops.migrate import upgrade
    from invoiceport.webhooks.worker import serve_forever

    _register_webhook_payloads()  # the body of v2 notification deliveries
    settings = _settings()
    if concurrency is not None:
        settings = settings.model_copy(update={"webhook_concurrency": concurrency})
    if settings.webhook_lease_seconds <= settings.webhook_timeout_seconds:
        raise CliError(
            "INVOICEPORT_WEBHOOK_LEASE_SECONDS must be longer than "
            "INVOICEPORT_WEBHOOK_TIMEOUT_SECONDS (a lease must outlast a request)"
        )
    _configure_logging(settings)

    async def work(engine: AsyncEngine) -> None:
        await upgrade(engine)
        await serve_forever(engine, settings)

    _run(settings, work)


def main() -> None:
    try:
        app()
    except CliError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(exc.code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
