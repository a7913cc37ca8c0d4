"""OAuth 2.0 in one place: the token endpoint (`endpoints`), tokens (`tokens`) and bearer
authentication (`bearer`) for every dialect that takes tokens."""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """The token endpoint and its spec (imported here: `bearer` and `tokens` stay light)."""
    from invoiceport.oauth.endpoints import install as install_endpoints
    from invoiceport.oauth.xi import install as install_xi

    install_endpoints(app)
    install_xi(app)


__all__ = ["install"]
