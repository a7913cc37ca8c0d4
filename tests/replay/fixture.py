"""The replay's world: demo data for a fixed day, fixed clocks, and credentials named by symbols.

Everything an answer can depend on is fixed here, so that the same code gives the same bytes on
every run and on both databases:

- the demo invoices (`invoiceport.ops.demo.demo_invoices`, what `invoiceport demo` loads) for
  `DAY` with `SEED`, `INVOICE_COUNT` production invoices;
- the server-managed timestamps written while loading (invoices' `created_at`/`updated_at`, which
  ScanSource shows as `dateEntered`/`lastChanged`, and the webhook subscription's and deliveries'
  `createdAt`): `utcnow` reads `LOADED_AT` during the load;
- the app's clock (`context_of(app).clock`): token expiry, the Ingram lookback and
  availability windows read `NOW`;
- the settings (`replay_settings`), rate limits included.

Secrets (API keys, OAuth clients, tokens) are random on every run: keys and clients are made
through the services, tokens by the token endpoint and revocations by the admin API (public
contracts that survive a refactor of the internals), and the request set names them by symbol
(`$KEY_A`, `$TOKEN_A`...).
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.app import create_app
from invoiceport.dialects.abcsupply import register_webhook_payloads
from invoiceport.invoices.service import BulkIngest
from invoiceport.ops.demo import demo_invoices
from invoiceport.ops.demo_cast import CUSTOMERS, OTHER_CUSTOMER
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import ALL_SCOPES, PartnerCreate
from invoiceport.platform import db
from invoiceport.settings import Settings
from invoiceport.webhooks import service as webhooks
from invoiceport.webhooks.schemas import EndpointCreate
from tests.replay.asgi import call

DAY = date(2026, 11, 20)
SEED = 1
INVOICE_COUNT = 60
LOADED_AT = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ADMIN_TOKEN = (
    "replay-admin-token-0123456789abcdefghij"  # a setting, not a secret made per run: written as is
)
HISTORY = "invoice.history.read"
HOOKS = "invoice.webhooks.manage"

# Partner A (the demo partner: every demo customer but 100999), B (only 100999) and C (one
# customer, tight per-partner limits). Ids are those of a fresh database: 1, 2, 3.
RATE_LIMITS = {"scansource": "5 per 1 hour", "abcsupply": "4 per 1 hour"}
"""Dialect-wide limits: B meets them. The period is an hour so that no window closes during a
run (the limiter counts on the wall clock) and `Retry-After` always has four digits."""


def partner_limits(a: int, c: int) -> dict[str, str]:
    return {
        f"{a}:scansource": "1000 per 1 hour",  # A's ScanSource answers carry the headers
        f"{a}:abcsupply": "off",  # A's ABC answers have none; A's Ingram: the built-in default
        f"{c}:ingram": "3 per 1 hour",
        f"{c}:scansource": "3 per 1 hour",
    }


def replay_settings(database_url: str, a: int = 1, c: int = 3) -> Settings:
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        webhook_allow_private=True,  # the subscription's URL is never called (no worker runs)
        ingram_lookback_months=6,  # cutoff 2026-05-20: some demo invoices fall before it
        ingram_availability={"DE": "06:00-07:00"},  # closed at NOW: a 503 with Retry-After
        rate_limits=RATE_LIMITS,
        rate_limit_partners=partner_limits(a, c),
        _env_file=None,  # type: ignore[call-arg]
    )


@contextmanager
def frozen_utcnow(at: datetime) -> Iterator[None]:
    """`platform.db.utcnow` answers `at` in every module that imported it, then is restored."""
    original = db.utcnow
    patched = []
    for name, module in list(sys.modules.items()):
        if name.startswith("invoiceport") and getattr(module, "utcnow", None) is original:
            setattr(module, "utcnow", lambda: at)  # noqa: B010
            patched.append(module)
    try:
        yield
    finally:
        for module in patched:
            setattr(module, "utcnow", original)  # noqa: B010


@dataclass(frozen=True, slots=True)
class World:
    settings: Settings
    symbols: dict[str, str]
    """`NAME` -> value, for `$NAME` in the request set (tokens are added by `start`)."""
    clients: dict[str, tuple[str, str]]
    """Name -> (client id, secret) of the OAuth clients that get a token."""
    revocations: tuple[str, ...]
    """Admin API paths to DELETE once the tokens are issued (a revoked client's token)."""


def _basic(client_id: str, secret: str) -> str:
    return base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


async def _load_invoices(engine: AsyncEngine) -> None:
    bulk = BulkIngest(engine)
    for invoice in demo_invoices(SEED, INVOICE_COUNT, today=DAY):
        await bulk.add(invoice)
    report = await bulk.finish()
    assert report.created == INVOICE_COUNT + 8 and not report.rejected, report


async def _partners(engine: AsyncEngine) -> tuple[int, int, int]:
    granted = [c.number for c in CUSTOMERS]
    ids = (
        await partners.create_partner(engine, PartnerCreate(name="A", customer_numbers=granted)),
        await partners.create_partner(
            engine, PartnerCreate(name="B", customer_numbers=[OTHER_CUSTOMER.number])
        ),
        await partners.create_partner(engine, PartnerCreate(name="C", customer_numbers=["100234"])),
    )
    assert ids == (1, 2, 3), "replay_settings expects a fresh database"
    return ids


async def _credentials(engine: AsyncEngine, settings: Settings) -> World:
    a, b, c = await _partners(engine)
    revoked_key = await partners.issue_api_key(engine, a)
    clients = {
        "A": await partners.issue_oauth_client(engine, a, list(ALL_SCOPES)),
        "A_READ": await partners.issue_oauth_client(engine, a, [HISTORY]),
        "A_HOOKS": await partners.issue_oauth_client(engine, a, [HOOKS]),
        "B": await partners.issue_oauth_client(engine, b, list(ALL_SCOPES)),
        "C": await partners.issue_oauth_client(engine, c, list(ALL_SCOPES)),
        "REVOKED": await partners.issue_oauth_client(engine, a, list(ALL_SCOPES)),
    }
    symbols = {
        "KEY_A": (await partners.issue_api_key(engine, a)).key,
        "KEY_B": (await partners.issue_api_key(engine, b)).key,
        "KEY_C": (await partners.issue_api_key(engine, c)).key,
        "KEY_REVOKED": revoked_key.key,
        "BASIC_A": _basic(clients["A"].client_id, clients["A"].client_secret),
        "BASIC_A_WRONG": _basic(clients["A"].client_id, "not-the-secret"),
    }
    for name, client in clients.items():
        symbols[f"CLIENT_{name}_ID"] = client.client_id
        symbols[f"CLIENT_{name}_SECRET"] = client.client_secret
    return World(
        settings=settings,
        symbols=symbols,
        clients={name: (c.client_id, c.client_secret) for name, c in clients.items()},
        revocations=(
            f"/admin/v1/partners/{a}/api-keys/{revoked_key.id}",
            f"/admin/v1/partners/{a}/oauth-clients/{clients['REVOKED'].client_id}",
        ),
    )


async def _subscription(engine: AsyncEngine, settings: Settings) -> str:
    request = EndpointCreate(
        url="https://hooks.replay.example/invoices",
        events=["invoice.created", "creditmemo.created"],
    )
    issued = await webhooks.create_endpoint(engine, settings, 1, request)
    while await webhooks.dispatch(engine):  # the load's events become deliveries to it
        pass
    return str(issued.endpoint.id)


async def load(database_url: str) -> World:
    """Fill an empty, migrated database: invoices, partners, keys, clients, a subscription."""
    settings = replay_settings(database_url)
    register_webhook_payloads()  # ingest writes events without an app here (as the CLI does)
    engine = db.create_engine(settings)
    try:
        with frozen_utcnow(LOADED_AT):
            await _load_invoices(engine)
            world = await _credentials(engine, settings)
            world.symbols["WEBHOOK_A"] = await _subscription(engine, settings)
    finally:
        await engine.dispose()
    return world


async def _token(app: FastAPI, client_id: str, secret: str) -> str:
    """A token from the token endpoint, as a client gets one (its expiry reads the app's clock)."""
    form = f"grant_type=client_credentials&client_id={client_id}&client_secret={secret}"
    headers = [("content-type", "application/x-www-form-urlencoded")]
    answer = await call(app, "POST", "/oauth/oauth30/token", headers, form.encode())
    assert answer.status == 200, answer
    token: str = json.loads(answer.body)["access_token"]
    return token


async def start(world: World) -> FastAPI:
    """The app with its clock at NOW; tokens issued and credentials revoked through HTTP."""
    app = create_app(world.settings)
    app.state.context.clock = lambda: NOW
    for name, (client_id, secret) in world.clients.items():
        world.symbols[f"TOKEN_{name}"] = await _token(app, client_id, secret)
    admin = [("authorization", f"Bearer {ADMIN_TOKEN}")]
    for path in world.revocations:
        answer = await call(app, "DELETE", path, admin)
        assert answer.status == 204, answer
    # Last: issuing a token deletes those expired at its `now`, and this one is, at NOW.
    app.state.context.clock = lambda: NOW - timedelta(days=2)
    world.symbols["TOKEN_EXPIRED"] = await _token(app, *world.clients["A"])
    app.state.context.clock = lambda: NOW
    return app
