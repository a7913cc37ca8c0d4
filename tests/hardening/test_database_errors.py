"""A connection lost in the middle of a statement: asyncpg reports it as a plain DBAPIError
(not OperationalError), which was a 500 during outages; it is a 503 now. Other driver errors
stay 500s, without internals in the body."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.exc import DBAPIError

from invoiceport.app import close, create_app
from invoiceport.partners import service as partner_service
from invoiceport.settings import Settings
from tests.conftest import ADMIN_TOKEN
from tests.hardening.support import problems


def _lost(connection_invalidated: bool) -> DBAPIError:
    return DBAPIError(
        "SELECT 1",
        {},
        ConnectionError("connection was closed in the middle of operation"),
        connection_invalidated=connection_invalidated,
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_connection_lost_mid_statement_is_a_503(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_args: object) -> None:
        raise _lost(connection_invalidated=True)

    monkeypatch.setattr(partner_service, "list_partners", fail)
    response = await client.get("/admin/v1/partners")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"error": "service unavailable, try again shortly"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_other_driver_errors_stay_opaque_500s(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fail(*_args: object) -> None:
        raise _lost(connection_invalidated=False)

    monkeypatch.setattr(partner_service, "list_partners", fail)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get(
            "/admin/v1/partners", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
    await close(app)
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
    assert problems(response) == ["status 500"]  # nothing of the driver in the body
