"""One typed settings object, read from `INVOICEPORT_*` environment variables (and `.env`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///invoiceport.db"


def async_database_url(url: str) -> str:
    """Map the plain URLs users write to the async drivers this project ships with.

    `sqlite:///path.db` -> `sqlite+aiosqlite:///path.db`; `postgresql://...` (or `postgres://`) ->
    `postgresql+asyncpg://...`. URLs that already name a driver are kept as they are.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(
            f"not a database URL: {url!r} (expected sqlite:///... or postgresql://...)"
        )
    base = scheme.split("+", 1)[0]
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if base in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"unsupported database {scheme!r}: use sqlite:///... or postgresql://...")


class Settings(BaseSettings):
    """Everything configurable. Nothing reads the environment except `Settings()` itself."""

    model_config = SettingsConfigDict(
        env_prefix="INVOICEPORT_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="sqlite:///path.db (embedded default) or postgresql://user@host:port/db",
    )
    redis_url: str | None = Field(default=None, description="Optional; shares rate limits")
    admin_token: SecretStr | None = Field(
        default=None, description="Bearer token of the admin API; the admin API is off when unset"
    )
    webhook_allow_private: bool = False

    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="One invoice (413 above)")
    max_bulk_bytes: int = Field(default=64 * 1_048_576, ge=1024, description="Bulk NDJSON body")
    bulk_batch_size: int = Field(default=500, ge=1, le=10_000)
    db_pool_size: int = Field(default=10, ge=1)
    db_timeout_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "INFO"

    # Letterhead for PDFs.
    seller_name: str = "invoiceport demo supplier"
    seller_address: str = ""
    seller_tax_id: str | None = None
    seller_logo: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        async_database_url(value)  # raises with a clear message for unsupported URLs
        return value

    @property
    def async_database_url(self) -> str:
        return async_database_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")
