"""The operator of this server, as every served OpenAPI document and the start page name it.

An OpenAPI document's `info.contact` is whom its readers ask about the API: the operator of this
server (`INVOICEPORT_OPERATOR_*`), never the vendor whose API a dialect imitates. Every document
is served through `name_operator` (the kit's `serve_spec`, the OAuth and admin documents).
"""

from __future__ import annotations

from typing import Any

from invoiceport.settings import Settings


def contact(settings: Settings) -> dict[str, str]:
    """An OpenAPI Contact object: the operator's name, and URL and e-mail when set."""
    found = {"name": settings.operator}
    if settings.operator_url:
        found["url"] = settings.operator_url
    if settings.operator_email:
        found["email"] = settings.operator_email
    return found


def name_operator(spec: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """`spec` with the operator as its contact (whatever contact it had before)."""
    spec["info"]["contact"] = contact(settings)
    return spec
