"""`invoiceport partner ...`: partners, their customer grants and their credentials.

Each command checks its values with the admin API's models (the same messages) and migrates the
database first, like `serve`. Keys and client secrets are printed once; only their hashes are
stored.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
Model = TypeVar("Model", bound=BaseModel)
PartnerId = Annotated[int, typer.Argument(min=1, max=2**31 - 1)]  # the admin API's bounds
CredentialId = Annotated[int, typer.Argument(min=1, max=2**31 - 1)]

partner_app = typer.Typer(help="Partners, customer grants and credentials.", no_args_is_help=True)


def _validated(model: type[Model], what: str, **values: Any) -> Model:
    """`model` built from the command line's values, checked exactly as the admin API checks a
    body (the same model); the problems are named as the admin API names them."""
    from invoiceport.cli import CliError
    from invoiceport.invoices.validation import validation_errors

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise CliError(f"invalid {what}: {'; '.join(validation_errors(exc))}") from None


def _partner_call(work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    """Migrate the database (as every command that touches it does), then `work`."""
    from invoiceport.cli import CliError, _run, _settings
    from invoiceport.ops.migrate import upgrade
    from invoiceport.partners.service import CredentialNotFound, PartnerNotFound

    async def call(engine: AsyncEngine) -> T:
        await upgrade(engine)
        return await work(engine)

    try:
        return _run(_settings(), call)
    except (PartnerNotFound, CredentialNotFound) as exc:
        raise CliError(str(exc)) from None


@partner_app.command("create")
def partner_create(
    name: str,
    customer: Annotated[list[str] | None, typer.Option(help="Granted customer number")] = None,
) -> None:
    """Create a partner; print its id."""
    from invoiceport.cli import out
    from invoiceport.partners.schemas import PartnerCreate
    from invoiceport.partners.service import create_partner

    request = _validated(PartnerCreate, "partner", name=name, customer_numbers=customer or [])
    out.print(_partner_call(lambda engine: create_partner(engine, request)))


@partner_app.command("list")
def partner_list() -> None:
    """List partners with grants and credentials (no secrets)."""
    from invoiceport.partners.service import list_partners

    for partner in _partner_call(list_partners):
        active_keys = [k for k in partner.api_keys if k.revoked_at is None]
        active_clients = [c for c in partner.oauth_clients if c.revoked_at is None]
        typer.echo(  # tab-separated for scripts: rich would expand the tabs
            f"{partner.id}\t{partner.name}\tcustomers={','.join(partner.customer_numbers)}"
            f"\tapi_keys={len(active_keys)}\toauth_clients={len(active_clients)}"
        )


@partner_app.command("grant")
def partner_grant(partner_id: PartnerId, customer_numbers: list[str]) -> None:
    """Grant customer numbers to a partner."""
    from invoiceport.partners.schemas import CustomerGrant
    from invoiceport.partners.service import grant_customers

    request = _validated(CustomerGrant, "grant", customer_numbers=customer_numbers)
    _partner_call(lambda engine: grant_customers(engine, partner_id, request.customer_numbers))


@partner_app.command("revoke")
def partner_revoke(partner_id: PartnerId, customer_numbers: list[str]) -> None:
    """Take customer numbers away from a partner (numbers not granted are ignored)."""
    from invoiceport.partners.schemas import CustomerGrant
    from invoiceport.partners.service import revoke_customers

    request = _validated(CustomerGrant, "grant", customer_numbers=customer_numbers)
    _partner_call(lambda engine: revoke_customers(engine, partner_id, request.customer_numbers))


@partner_app.command("rename")
def partner_rename(partner_id: PartnerId, name: str) -> None:
    """Rename a partner."""
    from invoiceport.partners.schemas import PartnerRename
    from invoiceport.partners.service import rename_partner

    request = _validated(PartnerRename, "partner", name=name)
    _partner_call(lambda engine: rename_partner(engine, partner_id, request.name))


@partner_app.command("delete")
def partner_delete(
    partner_id: PartnerId,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Delete a partner with its grants, credentials and webhook subscriptions."""
    from invoiceport.cli import CliError
    from invoiceport.partners.service import delete_partner

    if not yes:
        if not sys.stdin.isatty():
            raise CliError("not deleted: add --yes when there is no terminal to ask on")
        if not typer.confirm(f"Delete partner {partner_id}, its credentials and webhooks?"):
            raise CliError("not deleted", code=1)
    _partner_call(lambda engine: delete_partner(engine, partner_id))


@partner_app.command("add-key")
def partner_add_key(partner_id: PartnerId) -> None:
    """Issue an API key (printed once; only its hash is stored)."""
    from invoiceport.cli import out
    from invoiceport.partners.service import issue_api_key

    issued = _partner_call(lambda engine: issue_api_key(engine, partner_id))
    out.print(f"id={issued.id} key={issued.key}")


@partner_app.command("revoke-key")
def partner_revoke_key(partner_id: PartnerId, key_id: CredentialId) -> None:
    """Revoke an API key."""
    from invoiceport.partners.service import revoke_api_key

    _partner_call(lambda engine: revoke_api_key(engine, partner_id, key_id))


@partner_app.command("add-client")
def partner_add_client(
    partner_id: PartnerId,
    scope: Annotated[list[str] | None, typer.Option(help="Scope (default: all)")] = None,
) -> None:
    """Issue an OAuth client (the secret is printed once)."""
    from invoiceport.cli import out
    from invoiceport.partners.schemas import OAuthClientCreate
    from invoiceport.partners.service import issue_oauth_client

    request = _validated(OAuthClientCreate, "scope", **({"scopes": scope} if scope else {}))
    issued = _partner_call(lambda engine: issue_oauth_client(engine, partner_id, request.scopes))
    out.print(f"client_id={issued.client_id} client_secret={issued.client_secret}")


@partner_app.command("revoke-client")
def partner_revoke_client(partner_id: PartnerId, client_id: str) -> None:
    """Revoke an OAuth client."""
    from invoiceport.cli import CliError
    from invoiceport.partners.schemas import CLIENT_ID_MAX_LENGTH
    from invoiceport.partners.service import revoke_oauth_client

    if len(client_id) > CLIENT_ID_MAX_LENGTH:  # the admin API's bound on the same path value
        raise CliError(
            f"invalid client id: at most {CLIENT_ID_MAX_LENGTH} characters (this one has "
            f"{len(client_id)})"
        )

    _partner_call(lambda engine: revoke_oauth_client(engine, partner_id, client_id))
