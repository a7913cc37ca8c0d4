from __future__ import annotations

import pytest
from pydantic import ValidationError

from invoiceport.settings import Settings, async_database_url


@pytest.mark.parametrize(
    ("plain", "driver"),
    [
        ("sqlite:///invoiceport.db", "sqlite+aiosqlite:///invoiceport.db"),
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
    settings = Settings(admin_token="s3cret-token", _env_file=None)  # type: ignore[call-arg]
    assert "s3cret-token" not in repr(settings)
