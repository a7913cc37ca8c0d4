"""OAuth 2.0 in one place: the token endpoint (`endpoints`), tokens (`tokens`) and bearer
authentication (`bearer`) for every dialect that takes tokens."""

from __future__ import annotations

from typing import Any


def install(app: Any) -> None:
    """The token endpoint and its spec (imported here: `bearer` and `tokens` stay light)."""
    from invoiceport.oauth import azure, okta
    from invoiceport.oauth.endpoints import install as install_endpoints
    from invoiceport.oauth.xi import install as install_xi

    install_endpoints(app)
    install_xi(app)
    okta.install(app)  # POST /oauth2/{authorizationServerId}/v1/token
    azure.install(app)  # POST /{tenant}/oauth2/v2.0/token
    _serve_shapes_spec(app)


def _serve_shapes_spec(app: Any) -> None:
    """/oauth2/openapi.json: the Okta and Azure token paths, listed on /docs."""
    from invoiceport.kit.install import Spec, serve_spec
    from invoiceport.oauth import shapes_openapi
    from invoiceport.platform.web import dump_json

    build = shapes_openapi.build
    spec = Spec(shapes_openapi.SPEC_URL, shapes_openapi.TITLE, lambda: dump_json(build()), True)
    serve_spec(app, spec)


__all__ = ["install"]
