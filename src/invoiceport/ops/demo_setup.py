"""`invoiceport demo`: load demo invoices and a demo partner, and say how to use them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.accounts import service as accounts
from invoiceport.invoices.service import BulkIngest, BulkReport
from invoiceport.ops.demo import demo_invoices
from invoiceport.ops.demo_cast import CUSTOMERS, OTHER_CUSTOMER
from invoiceport.ops.demo_eu import EU_CUSTOMERS, eu_invoices
from invoiceport.ops.demo_xi import sdk_snippet, xi_invoices
from invoiceport.ops.migrate import upgrade
from invoiceport.partners import service as partners
from invoiceport.partners.schemas import ALL_SCOPES, PartnerCreate
from invoiceport.platform.db import utcnow
from invoiceport.platform.models import wipe

DEMO_PARTNER = "Demo Reseller"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A person's login the demo made: shown by `make run` (the password only there)."""

    what: str  # e.g. "Partner portal (Demo Reseller)"
    path: str  # where to log in, e.g. "/portal/"
    user: str
    password: str


async def demo_logins(engine: AsyncEngine, partner_id: int) -> list[DemoLogin]:
    """The web logins of the demo, each with a new random password: a portal user of the demo
    partner and a console user, made through the accounts service as the admin API and the CLI
    make them. A user that exists already (a demo loaded again without `--reset`) keeps its
    password and is not shown."""
    now = utcnow()
    logins = []
    portal, console = "reseller@demo.example", "supplier@demo.example"
    try:
        invitation = await accounts.invite(engine, "portal", portal, partner_id, now)
    except accounts.AccountError:
        pass
    else:
        password = secrets.token_urlsafe(12)
        await accounts.accept_invitation(engine, invitation.token, password, now)
        logins.append(DemoLogin(f"Partner portal ({DEMO_PARTNER})", "/portal/", portal, password))
    password = secrets.token_urlsafe(12)
    try:
        await accounts.create_with_password(engine, "console", console, password, now)
    except accounts.AccountError:
        pass
    else:
        logins.append(DemoLogin("Supplier console", "/console/", console, password))
    return logins


@dataclass(frozen=True, slots=True)
class DemoSummary:
    report: BulkReport
    partner_id: int
    api_key: str
    client_id: str
    client_secret: str
    logins: tuple[DemoLogin, ...] = ()

    def describe(
        self, base_url: str, admin_token: str | None, worker_command: str | None = None
    ) -> Iterator[str]:
        r = self.report
        yield (
            f"demo data: {r.created} created, {r.updated} updated, {r.unchanged} unchanged "
            f"invoices; customers {', '.join(c.number for c in CUSTOMERS)} granted to "
            f"partner {self.partner_id} ({DEMO_PARTNER}); {OTHER_CUSTOMER.number} is not"
        )
        yield ""
        yield "Demo partner credentials (shown once; only their hashes are stored):"
        yield f"  API key (Ocp-Apim-Subscription-Key): {self.api_key}"
        yield f"  OAuth client_id:     {self.client_id}"
        yield f"  OAuth client_secret: {self.client_secret}"
        if admin_token:
            yield f"  Admin token (INVOICEPORT_ADMIN_TOKEN): {admin_token}"
        for login in self.logins:
            where = f"{base_url}{login.path}"
            yield f"  {login.what}: {where}  user {login.user}  password {login.password}"
        yield ""
        yield f"Start page: {base_url}/   API docs (every dialect's spec): {base_url}/docs"
        if worker_command:
            yield "Webhooks are delivered by a worker: run one beside the server (another shell):"
            yield f"  {worker_command}"
        yield ""
        yield "Try:"
        yield f"  curl -s {base_url}/healthz"
        yield (  # ScanSource: summary of a granted customer, then one invoice's detail
            f"  curl -s -H 'Ocp-Apim-Subscription-Key: {self.api_key}' "
            f"'{base_url}/api/invoice/summary/20-123456?pageSize=5'"
        )
        yield (
            f"  curl -s -H 'Ocp-Apim-Subscription-Key: {self.api_key}' "
            f"{base_url}/api/invoice/detail/20-123456/20-12345-11"
        )
        yield (
            f"  curl -s -o invoice.pdf -H 'Ocp-Apim-Subscription-Key: {self.api_key}' "
            f"{base_url}/api/invoice/pdf/20-123456/20-12345-11"
        )
        yield (  # Ingram Micro v5: a token, then the seed's sample request
            f"  TOKEN=$(curl -s -d grant_type=client_credentials -d client_id={self.client_id} "
            f"-d client_secret={self.client_secret} {base_url}/oauth/oauth30/token "
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        )
        yield (
            f'  curl -s -H "Authorization: Bearer $TOKEN" \'{base_url}/resellers/v5/invoices/'
            "20-12345-11?isoCountryCode=UK&customerNumber=20-123456'"
        )
        yield "  Ingram Micro's SDK (pip install xi-sdk-resellers): save as xi_demo.py, run it:"
        for line in sdk_snippet(base_url, self.client_id, self.client_secret):
            yield f"    {line}"
        yield from self._live(base_url)
        if admin_token:
            yield (
                f"  curl -s -H 'Authorization: Bearer {admin_token}' "
                f"{base_url}/admin/v1/invoices/production/20-123456/20-12345-11"
            )
            yield (
                f"  curl -s -H 'Authorization: Bearer {admin_token}' "
                f"{base_url}/admin/v1/partners/{self.partner_id}"
            )

    def _live(self, base_url: str) -> Iterator[str]:
        """The live API generations: ABC Supply (Okta-style token) and ScanSource `/scsc`
        (Azure-style token plus the subscription key)."""
        pick = "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"
        yield (
            f"  ABC=$(curl -s -u {self.client_id}:{self.client_secret} -X POST "
            f"'{base_url}/oauth2/default/v1/token?grant_type=client_credentials"
            f"&scope=invoice.read' {pick}"
        )
        yield (
            f'  curl -s -H "Authorization: Bearer $ABC" '
            f"{base_url}/api/invoice/v1/invoices/id/20-12345-11"
        )
        yield (
            f'  curl -s -o abc-invoice.pdf -H "Authorization: Bearer $ABC" '
            f"{base_url}/api/invoice/v1/invoices/pdf/20-12345-11"
        )
        yield (
            f"  SCSC=$(curl -s -d grant_type=client_credentials -d client_id={self.client_id} "
            f"-d client_secret={self.client_secret} -d scope=https://scansource/invoice/.default "
            f"{base_url}/scansourceb2c.onmicrosoft.com/oauth2/v2.0/token {pick}"
        )
        yield (
            f"  curl -s -H 'Ocp-Apim-Subscription-Key: {self.api_key}' "
            f'-H "Authorization: Bearer $SCSC" '
            f"'{base_url}/scsc/invoice/v1/detail?customerNumber=20-123456&InvoiceNumber=20-12345-11'"
        )


async def load_demo(engine: AsyncEngine, seed: int, count: int, *, reset: bool) -> DemoSummary:
    await upgrade(engine)
    if reset:
        await wipe(engine)
    bulk = BulkIngest(engine)
    for invoice in demo_invoices(seed, count):
        await bulk.add(invoice)
    for invoice in (
        *xi_invoices(date.today()),
        *eu_invoices(date.today()),
    ):  # docs/ingram.md, docs/einvoicing.md
        await bulk.add(invoice)
    report = await bulk.finish()
    customers = [c.number for c in CUSTOMERS] + list(EU_CUSTOMERS)
    partner_id = await partners.create_partner(
        engine, PartnerCreate(name=DEMO_PARTNER, customer_numbers=customers)
    )
    key = await partners.issue_api_key(engine, partner_id)
    client = await partners.issue_oauth_client(engine, partner_id, list(ALL_SCOPES))
    logins = tuple(await demo_logins(engine, partner_id))
    return DemoSummary(report, partner_id, key.key, client.client_id, client.client_secret, logins)
