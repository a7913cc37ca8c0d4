"""The current generation, declared: a subscription key **and** a bearer token (Azure AD client
credentials) on every request, APIM errors under `/scsc/`, the seed's rate limit (`scansource`).

Render-cache keys of this generation start with `GENERATION`, never the dialect's name alone, so
they cannot meet the seed routes' renderings.
"""

from __future__ import annotations

from dataclasses import replace

from invoiceport.dialects.scansource.dialect import DIALECT as SEED
from invoiceport.dialects.scansource.errors import render_error
from invoiceport.kit import ApiKey, Bearer, KeyAndBearer

PREFIX = "/scsc/"
GENERATION = "scansource-scsc"
WITHOUT_BEARER = (
    "Access denied due to missing bearer token. "
    "Make sure to include an Authorization: Bearer header with an access token."
)

assert isinstance(SEED.credential, ApiKey)
DIALECT = replace(
    SEED,
    credential=KeyAndBearer(SEED.credential, Bearer(), without_bearer=WITHOUT_BEARER),
    render_error=render_error,
    prefixes=(PREFIX,),
)
