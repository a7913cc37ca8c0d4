"""One typed settings object, read from `INVOICEPORT_*` environment variables (and `.env`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///invoiceport.db"
MIN_ADMIN_TOKEN_CHARS = 32


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
        default=None,
        description="Bearer token of the admin API (32+ characters); the admin API is off unset",
    )
    webhook_allow_private: bool = False
    # Webhook delivery (docs/webhooks.md): `invoiceport worker` and the subscription routes.
    webhook_signing_key: SecretStr | None = Field(
        default=None, description="Derives the endpoints' signing secrets; unset: stored as is"
    )
    webhook_retry_schedule: tuple[Annotated[float, Field(ge=0)], ...] = Field(
        default=(0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400),
        min_length=1,
        max_length=50,
        description="Seconds before each attempt (JSON list); Standard Webhooks' by default",
    )
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    webhook_lease_seconds: float = Field(default=60.0, gt=0, description="Above the timeout")
    webhook_disable_after_seconds: float = Field(default=5 * 86400, gt=0)
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    webhook_concurrency: int = Field(default=16, ge=1, le=1000)
    webhook_secret_grace_seconds: float = Field(default=86400, ge=0)
    webhook_retention_days: int = Field(default=30, ge=0, description="0 keeps events forever")
    idempotency_key_hours: float = Field(
        default=24, gt=0, le=24 * 30, description="Admin API Idempotency-Key: kept this long"
    )
    idempotency_lease_seconds: float = Field(
        default=900, gt=0, description="A request holding a key that runs longer is abandoned"
    )
    feed_retention_days: int = Field(
        default=30, ge=1, le=3650, description="Change feed (/v1/events): older cursors are 410"
    )

    max_url_bytes: int = Field(default=16_384, ge=1024, description="Path and query (414 above)")
    max_header_bytes: int = Field(default=65_536, ge=1024, description="All headers (431 above)")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="One invoice (413 above)")
    max_bulk_bytes: int = Field(default=64 * 1_048_576, ge=1024, description="Bulk NDJSON body")
    bulk_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Slow and heavy clients (docs/hardening.md): what one connection may hold, per server process.
    http_header_timeout_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="A request's headers must arrive within (408)"
    )
    http_body_timeout_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="A request's body must arrive within (closed)"
    )
    http_keep_alive_seconds: int = Field(
        default=5, ge=1, le=3600, description="An idle kept-alive connection is closed after"
    )
    http_max_connections: int = Field(
        default=1000, ge=1, description="Open connections per process; 503 above it"
    )
    pdf_cache_bytes: int = Field(
        default=64 * 1_048_576, ge=0, description="Rendered PDFs kept per process; 0: none"
    )
    pdf_renders_per_partner: int = Field(
        default=2, ge=1, le=64, description="PDFs one partner may have rendering at once"
    )
    pdf_render_wait_seconds: float = Field(
        default=30.0, ge=0, le=600, description="A PDF waits this long for its turn, then 429"
    )
    db_pool_size: int = Field(default=10, ge=1)
    db_timeout_seconds: float = Field(default=5.0, gt=0)
    opentelemetry: bool = Field(
        default=False,
        description="FastAPI's OpenTelemetry spans and metrics (needs a configured OTel SDK)",
    )
    render_cache_size: int = Field(
        default=5_000, ge=0, description="Rendered invoice bodies kept per process; 0: none"
    )
    log_level: str = "INFO"
    scansource_max_page_size: int = Field(default=100, ge=1, le=10_000)  # docs/scansource.md
    abcsupply_max_page_size: int = Field(default=100, ge=1, le=10_000)  # docs/abcsupply.md

    # OAuth 2.0 tokens, Ingram dialect, rate limits and availability (docs/oauth.md, docs/ingram.md,
    # docs/rate-limits.md). Mappings are JSON objects in the environment.
    oauth_token_lifetime_seconds: int = Field(default=86_399, ge=1, le=31 * 86_400)
    ingram_lookback_months: int = Field(default=9, ge=1, le=1200)
    rate_limits: dict[str, str] = Field(
        default_factory=dict, description='Per dialect, e.g. {"ingram": "60/60 seconds"}'
    )
    rate_limit_partners: dict[str, str] = Field(
        default_factory=dict, description='Per partner id, or "id:dialect": {"7": "600/minute"}'
    )
    rate_limit_key_prefix: str = Field(default="invoiceport", min_length=1, max_length=64)
    rate_limit_redis_failure: Literal["open", "closed"] = "open"
    ingram_availability: dict[str, str] = Field(
        default_factory=dict, description='Per country, local time: {"UK": "06:00-00:30"}'
    )

    # Who runs this server (docs/deploy.md): the contact of every served OpenAPI document and of
    # the start page `/`, in place of the vendors' own.
    operator_name: str | None = Field(
        default=None, max_length=200, description="Unset: INVOICEPORT_SELLER_NAME"
    )
    operator_url: str | None = Field(default=None, max_length=2000, description="http(s)://...")
    operator_email: str | None = Field(default=None, max_length=254)

    # Letterhead for PDFs.
    seller_name: str = "invoiceport demo supplier"
    seller_address: str = ""
    seller_tax_id: str | None = None
    seller_logo: Path | None = None
    # The seller of EN 16931 e-invoices (docs/einvoicing.md); seller_tax_id is its VAT id (BT-31).
    seller_company_id: str | None = Field(default=None, description="BT-30, legal registration")
    seller_street: str | None = None
    seller_city: str | None = None
    seller_postal_code: str | None = None
    seller_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="BT-40")
    seller_electronic_address: str | None = Field(default=None, description="BT-34, e.g. a GLN")
    seller_electronic_address_scheme: str | None = Field(default=None, description="EAS code")
    seller_contact_name: str | None = None
    seller_contact_phone: str | None = None
    seller_contact_email: str | None = None
    seller_iban: str | None = Field(default=None, description="Default payment account (BT-84)")
    seller_bic: str | None = None
    seller_payment_means_code: str = Field(default="58", pattern=r"^[0-9A-Z]{1,4}$")
    einvoice_ingest_formats: tuple[Literal["peppol-bis3", "xrechnung", "cii", "facturx"], ...] = (
        Field(
            default=(),
            description="Ingest refuses documents that cannot be valid e-invoices in these "
            '(JSON list, e.g. ["peppol-bis3"]); empty: no check',
        )
    )

    # The partner portal and the supplier console (docs/portal.md).
    session_secret: SecretStr | None = Field(
        default=None,
        description="Signs session cookies; unset: derived from the admin token, else per process",
    )
    cookie_secure: bool = Field(
        default=True, description="Session cookies only over HTTPS (off for plain-HTTP testing)"
    )

    @field_validator("admin_token")
    @classmethod
    def _strong_admin_token(cls, value: SecretStr | None) -> SecretStr | None:
        """The admin token opens everything: a guessable one is refused at start-up. Empty counts
        as unset (the admin API is off)."""
        if value is None or value.get_secret_value() == "":
            return value
        token = value.get_secret_value()
        if len(token) < MIN_ADMIN_TOKEN_CHARS or not token.isprintable() or " " in token:
            raise ValueError(
                f"must be at least {MIN_ADMIN_TOKEN_CHARS} printable characters without spaces "
                f"(this one has {len(token)}); make one with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("operator_name")
    @classmethod
    def _printable_name(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or not value.isprintable()):
            raise ValueError("must be printable text, not blank")
        return value.strip() if value is not None else None

    @field_validator("operator_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")) or not value.isprintable() or " " in value:
            raise ValueError("must be an http:// or https:// address")
        return value

    @field_validator("operator_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if not value:
            return None
        local, at, domain = value.partition("@")
        if not (local and at and "." in domain) or not value.isprintable() or " " in value:
            raise ValueError("must be an e-mail address (name@example.com)")
        return value

    @property
    def operator(self) -> str:
        """Who runs this server, by name."""
        return self.operator_name or self.seller_name

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
