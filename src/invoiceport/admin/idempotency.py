"""`Idempotency-Key` on the admin API's writes (`POST /admin/v1/invoices` and `/bulk`), as the
IETF draft `draft-ietf-httpapi-idempotency-key-header` says (docs/admin-api.md):

- same key, same request (method, path, query and body): the first answer, replayed
  (`Idempotent-Replayed: true`), however many server processes there are;
- same key, different request: 422; same key while the first still runs: 409 (`Retry-After`);
- the key is forgotten after `INVOICEPORT_IDEMPOTENCY_KEY_HOURS` (24), or at once when the
  first request failed with a 5xx or never finished, so that a retry runs again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from invoiceport.idempotency import service
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError, error_response

HEADER = "Idempotency-Key"
MAX_KEY = 255
# An sf-string as the draft has it ("..."), or a bare token as most clients send.
_KEY = re.compile(r'"([\x20\x21\x23-\x5b\x5d-\x7e]{1,255})"|([\x21\x23-\x7e]{1,255})')


def parse_key(raw: str) -> str:
    match = _KEY.fullmatch(raw.strip())
    if match is None:
        raise ApiError(
            400, f"{HEADER}: 1 to {MAX_KEY} printable ASCII characters (a UUID is a good key)"
        )
    return match.group(1) or match.group(2)


def fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\n")
    digest.update(body)
    return digest.hexdigest()


async def idempotent(
    request: Request, body: bytes, run: Callable[[], Awaitable[Response]]
) -> Response:
    """`run()`'s answer, or, when the request carries a key seen before, what the draft says."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return await run()
    key = parse_key(raw)
    ctx = context(request)
    engine, settings = ctx.engine, ctx.settings
    scope = "admin:" + request.url.path
    begun = await service.begin(
        engine,
        scope,
        key,
        fingerprint(request, body),
        now(request),
        ttl=timedelta(hours=settings.idempotency_key_hours),
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
    )
    if isinstance(begun, service.Replay):
        headers = {"Idempotent-Replayed": "true"}
        return Response(begun.body, begun.status, headers=headers, media_type=begun.media_type)
    if isinstance(begun, service.Mismatch):
        message = f"{HEADER}: this key was used for a different request; use a new key"
        raise ApiError(422, message)
    if isinstance(begun, service.InFlight):
        message = f"{HEADER}: a request with this key is still being processed; retry later"
        raise ApiError(409, message, headers={"Retry-After": "1"})
    try:
        try:
            response = await run()
        except ApiError as exc:  # a refusal is an answer too: replayed like any other
            response = error_response(
                request, exc.status_code, exc.message, exc.errors, exc.headers
            )
    except BaseException:
        await service.abandon(engine, scope, key)
        raise
    if response.status_code >= 500:
        await service.abandon(engine, scope, key)
        return response
    media_type = response.headers.get("content-type", "application/json")
    await service.finish(engine, scope, key, response.status_code, media_type, bytes(response.body))
    return response
