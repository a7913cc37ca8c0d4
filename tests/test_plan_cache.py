"""The pool's PostgreSQL sessions plan prepared statements once (docs/performance.md): left to
itself, PostgreSQL re-planned the portal's first page on every execution (custom plans only)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from invoiceport.platform.db import read_connection


async def test_pooled_sessions_use_generic_plans(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    async with read_connection(engine) as conn:
        mode = (await conn.execute(text("SHOW plan_cache_mode"))).scalar_one()
    assert mode == "force_generic_plan"
