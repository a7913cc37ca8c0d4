from __future__ import annotations

import pytest
from pydantic import ValidationError

from invoiceport.settings import Settings, async_database_url


@pytest.mark.parametrize(
    ("plain", "driver"),
    [
        ("sqlite:///invoiceport.platform.db", "sqlite+aiosqlite:///invoiceport.platform.db"),
        ("sqlite:////abs/path.db", "sqlite+aiosqlite:////abs/path.db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_plain_urls_get_the_projects_drivers(plain: str, driver: str) -> None:
    assert async_database_url(plain) == driver


def test_unsupported_database_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="unsupported database 'mysql'"):
        Settings(database_url="mysql://x/y", _env_file=None)  # type: ignore[call-arg]


def test_admin_token_is_hidden_in_repr() -> None:
    settings = Settings(admin_token="s3cret-token" * 3, _env_file=None)  # type: ignore[call-arg]
    assert "s3cret-token" not in repr(settings)


@pytest.mark.parametrize(
    "token", ["short", " " * 40, "a token with spaces in it, 40 chars!!", "x" * 31]
)
def test_a_weak_admin_token_is_refused_at_start_up(token: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 printable characters without spaces"):
        Settings(admin_token=token, _env_file=None)  # type: ignore[call-arg]
    assert Settings(admin_token="x" * 32, _env_file=None).admin_token is not None  # type: ignore[call-arg]
    assert Settings(admin_token="", _env_file=None).admin_token is not None  # empty: API off
