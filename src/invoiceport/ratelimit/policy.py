"""Which limit applies to a request: per dialect, overridden per partner (docs/rate-limits.md).

Resolution, most specific first: `rate_limit_partners["<partner id>:<dialect>"]`,
`rate_limit_partners["<partner id>"]`, `rate_limits["<dialect>"]`, the dialect's built-in default.
A limit is written in the `limits` notation ("60/minute", "60 per 60 seconds", "10/second");
"off" turns limiting off for that scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse

OFF = frozenset({"off", "none", "unlimited"})


def parse_limit(text: str, where: str) -> RateLimitItem | None:
    """A limit string as an item, None for "off"; a ValueError naming the setting otherwise."""
    cleaned = text.strip()
    if cleaned.lower() in OFF:
        return None
    try:
        item = parse(cleaned)
    except ValueError as exc:
        raise ValueError(
            f"{where}: {text!r} is not a rate limit (write e.g. '60/minute' or '60 per 60 seconds')"
        ) from exc
    if item.amount < 1:
        raise ValueError(
            f"{where}: {text!r} allows no request at all; use 'off' or a positive count"
        )
    return item


@dataclass(frozen=True, slots=True)
class Policy:
    """The configured limits, parsed once at start-up so a typo stops the server, not a request."""

    dialects: Mapping[str, RateLimitItem | None]
    partners: Mapping[str, RateLimitItem | None]

    @classmethod
    def from_settings(cls, dialects: Mapping[str, str], partners: Mapping[str, str]) -> Policy:
        for key in partners:
            partner, _, dialect = key.partition(":")
            if not partner.isdigit() or (dialect == "" and ":" in key):
                raise ValueError(
                    f"INVOICEPORT_RATE_LIMIT_PARTNERS: key {key!r} must be '<partner id>' or "
                    "'<partner id>:<dialect>'"
                )
        return cls(
            dialects={
                k: parse_limit(v, f"INVOICEPORT_RATE_LIMITS[{k!r}]") for k, v in dialects.items()
            },
            partners={
                k: parse_limit(v, f"INVOICEPORT_RATE_LIMIT_PARTNERS[{k!r}]")
                for k, v in partners.items()
            },
        )

    def may_limit(self, dialect: str, default: RateLimitItem | None) -> bool:
        """Whether any partner's requests to `dialect` can be limited at all."""
        if any(v is not None for v in self.partners.values()):
            return True
        return self.dialects.get(dialect, default) is not None

    def limit_for(
        self, dialect: str, partner_id: int, default: RateLimitItem | None
    ) -> RateLimitItem | None:
        for key in (f"{partner_id}:{dialect}", str(partner_id)):
            if key in self.partners:
                return self.partners[key]
        return self.dialects.get(dialect, default)
