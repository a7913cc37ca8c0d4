"""The one request pipeline every route of every dialect goes through.

For each request, in this order: NUL check (dialects that ask for it) -> credential (401 in the
dialect's shape) -> rate limit (429; from here on every answer carries the limit headers) -> the
route (grant 403, parameters 400, media type 406, read, view, render cache) -> the limit headers.
A route declares only its own logic: its parameters come in by name, the partner as a
`Principal` parameter and, when it declared a `reads` lookup, what was read with the credential
(`Found`), in the same statement (`reads.service.access`).

Routes are FastAPI `APIRoute`s, so the served specs come from their declarations as before, but
FastAPI's dependency machinery is not run: the kit resolves the few kinds of parameter a dialect
route takes itself (docs/architecture.md, "The dialect kit").
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import replace
from typing import Annotated, Any, get_args, get_origin, get_type_hints

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import Depends as DependsInfo
from fastapi.params import Path as PathInfo
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.responses import Response

from invoiceport import ratelimit
from invoiceport.kit.cache import RenderCache
from invoiceport.kit.dialect import ApiKey, Bearer, Dialect, KeyAndBearer, KeyOrBearer
from invoiceport.kit.found import Found, Read, ReadPlan
from invoiceport.oauth.bearer import REALM, AuthError, bearer_token, check_scope, unknown_token
from invoiceport.partners.schemas import Principal
from invoiceport.pdf import Letterhead
from invoiceport.platform.clock import now
from invoiceport.platform.context import context
from invoiceport.platform.web import ApiError, reject_nul
from invoiceport.reads.repository.credentials import Kind
from invoiceport.reads.rows import Stamp, Views
from invoiceport.reads.service import Access, Presented, access

Endpoint = Callable[..., Awaitable[Response]]


async def caller(request: Request) -> Principal:  # pragma: no cover - never called
    """The partner behind the request: a marker for the kit, which resolves it itself. Declared
    as a FastAPI dependency only so that the served specs keep their shape."""
    raise NotImplementedError


Caller = Annotated[Principal, Depends(caller)]


async def fetched(request: Request) -> Found:  # pragma: no cover - never called
    """What a `reads` route read with the credential: a marker, as `caller`."""
    raise NotImplementedError


Fetched = Annotated[Found, Depends(fetched)]


def _presented(request: Request, dialect: Dialect) -> Presented:
    credential = dialect.credential
    if isinstance(credential, KeyAndBearer):
        return _key_and_token(request, credential)
    if isinstance(credential, ApiKey):
        key = request.headers.get(credential.header, "").strip()
        if not key:
            raise credential.missing
        return Presented("api_key", key)
    kind: Kind = "bearer"
    if isinstance(credential, KeyOrBearer):
        kind = "key_or_bearer"
        key = request.headers.get(credential.header, "").strip()
        authorization = request.headers.get("authorization", "").strip()
        if key and not authorization:
            return Presented("api_key", key)
        if not key and not authorization:
            message = (
                "missing credential: Authorization: Bearer <API key or token>, "
                f"or {credential.header}: <API key>"
            )
            raise ApiError(401, message, headers={"WWW-Authenticate": f'Bearer realm="{REALM}"'})
    return Presented(kind, _token(request))


def _token(request: Request) -> str:
    try:
        return bearer_token(request.headers.get("authorization"))
    except AuthError as exc:
        raise ApiError(exc.status_code, exc.message, headers=exc.headers) from None


def _key_and_token(request: Request, credential: KeyAndBearer) -> Presented:
    """Both credentials, or a 401 naming what is missing (the key's refusal first)."""
    key = request.headers.get(credential.key.header, "").strip()
    has_token = bool(request.headers.get("authorization", "").strip())
    if not key:
        missing = credential.key.missing
        if has_token:
            raise missing
        message = f"{missing.message} {credential.without_bearer}"
        raise ApiError(401, message, missing.errors, missing.headers)
    if not has_token:
        raise ApiError(401, credential.without_bearer, headers=credential.key.missing.headers)
    return Presented("key_and_bearer", key, _token(request))


def _auth(exc: AuthError) -> ApiError:
    return ApiError(exc.status_code, exc.message, headers=exc.headers)


def _check_scope(bearer: Bearer, principal: Principal) -> None:
    """403 naming `bearer.scope` unless the token carries it or one of `bearer.also`."""
    if bearer.scope is None or principal.scopes.intersection(bearer.also):
        return
    try:
        check_scope(principal, bearer.scope)
    except AuthError as exc:
        raise _auth(exc) from None


def _key_and_token_checked(credential: KeyAndBearer, read: Principal) -> Principal:
    """The key's partner, once the token read beside the key (its scopes and client; none when
    it is not an active token of the key's partner) is found good: the partner as the key
    alone gives it, as routes and rate limits have always seen a key-and-token caller."""
    if read.client_id is None:
        raise _auth(unknown_token())
    _check_scope(credential.bearer, read)
    return Principal.model_construct(
        partner_id=read.partner_id,
        customer_numbers=read.customer_numbers,
        scopes=frozenset(),
        client_id=None,
    )


def _refused(dialect: Dialect) -> ApiError:
    credential = dialect.credential
    if isinstance(credential, KeyAndBearer):
        return credential.key.invalid
    if isinstance(credential, ApiKey):
        return credential.invalid
    exc = unknown_token()
    return ApiError(exc.status_code, exc.message, headers=exc.headers)


async def _access(request: Request, dialect: Dialect, read: Read | None) -> tuple[Access, Found]:
    ctx = context(request)
    presented = _presented(request, dialect)
    lookup = read.lookup if read is not None else None
    key = read.cache_key if read is not None else None
    known = ctx.render_cache.stamp(key) if key is not None else None
    seconds = ctx.settings.db_timeout_seconds
    account = read.account if read is not None else None
    when = now(request)
    views = _views(ctx.render_cache, read.items) if read is not None and read.items else None
    found = await access(
        ctx.engine, presented, when, lookup, known, account=account, seconds=seconds, views=views
    )
    body = None
    if found.unchanged is not None and key is not None:
        body = ctx.render_cache.cached(key, found.unchanged)
        if body is None:  # evicted while we read: read the document after all
            found = await access(
                ctx.engine, presented, when, lookup, account=account, seconds=seconds
            )
    principal = found.principal
    if principal is None:
        raise _refused(dialect)
    credential = dialect.credential
    if isinstance(credential, KeyAndBearer):
        found = replace(found, principal=_key_and_token_checked(credential, principal))
    elif isinstance(credential, Bearer):
        _check_scope(credential, principal)
    elif isinstance(credential, KeyOrBearer) and principal.client_id is not None:
        # a token must carry the scope; an API key (no OAuth client) has every scope
        _check_scope(Bearer(credential.scope), principal)
    stamp = found.unchanged
    if found.invoice is not None:
        stamp = (found.invoice.version, found.invoice.updated_at)
    fetched = Found(found.invoice, body, read, found.page, found.dated, stamp, found.slice)
    return found, fetched


def _views(cache: RenderCache, prefix: tuple[Hashable, ...]) -> Views:
    """The cached view of a page's item, under the read's `items` prefix."""

    def held(invoice_id: int, stamp: Stamp) -> bytes | None:
        return cache.cached((*prefix, invoice_id), stamp)

    return held


def render_cache(request: Request) -> RenderCache:
    return context(request).render_cache


def letterhead(request: Request) -> Letterhead:
    """The supplier's letterhead for PDFs, built once at start-up."""
    return context(request).letterhead


# --- parameters -----------------------------------------------------------------------------

Resolver = Callable[[Request, Principal, Found], Any]


def _path_resolver(name: str, annotation: Any, info: PathInfo) -> Resolver:
    alias = info.alias or name
    if annotation is str:
        return lambda request, _p, _f: request.path_params[alias]
    adapter: TypeAdapter[Any] = TypeAdapter(Annotated[annotation, info])

    def resolve(request: Request, _p: Principal, _f: Found) -> Any:
        try:
            return adapter.validate_python(request.path_params[alias])
        except ValidationError as exc:
            errors = [{**e, "loc": ("path", alias, *e["loc"])} for e in exc.errors()]
            raise RequestValidationError(errors) from None

    return resolve


def _resolver(name: str, hint: Any) -> Resolver:
    """How the kit fills one parameter of a route function."""
    base: Any = hint
    extras: tuple[Any, ...] = ()
    if get_origin(hint) is Annotated:
        base, *rest = get_args(hint)
        extras = tuple(rest)
    if base is Request:
        return lambda request, _p, _f: request
    if base is Principal and any(isinstance(e, DependsInfo) for e in extras):
        return lambda _r, principal, _f: principal
    if base is Found and any(isinstance(e, DependsInfo) for e in extras):
        return lambda _r, _p, found: found
    for extra in extras:
        if isinstance(extra, PathInfo):
            return _path_resolver(name, base, extra)
    raise TypeError(f"the dialect kit cannot fill parameter {name!r} ({hint!r})")


def resolvers(endpoint: Endpoint) -> tuple[tuple[str, Resolver], ...]:
    hints = get_type_hints(endpoint, include_extras=True)
    names = inspect.signature(endpoint).parameters
    return tuple((name, _resolver(name, hints[name])) for name in names)


# --- the pipeline ---------------------------------------------------------------------------


async def _limit(request: Request, dialect: Dialect, principal: Principal) -> dict[str, str]:
    default = dialect.default_limit
    limiter = context(request).rate_limiter
    decision = await ratelimit.check(limiter, dialect.name, principal, default=default)
    if decision is None:
        return {}
    if not decision.allowed:
        raise dialect.refusal(decision)
    return decision.headers


def _error(dialect: Dialect, exc: ApiError, limit_headers: dict[str, str]) -> Response:
    if dialect.limit_headers_first:
        headers = {**limit_headers, **(exc.headers or {})} or None
        return dialect.render_error(exc.status_code, exc.message, exc.errors, headers)
    response = dialect.render_error(exc.status_code, exc.message, exc.errors, exc.headers)
    response.headers.update(limit_headers)
    return response


def handler(
    dialect: Dialect, endpoint: Endpoint
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """The request handler of one route: the pipeline around `endpoint`."""
    plan: ReadPlan | None = getattr(endpoint, "kit_reads", None)
    params = resolvers(endpoint)

    async def pipeline(request: Request) -> Response:
        limit_headers: dict[str, str] = {}
        try:
            if dialect.reject_nul:
                await reject_nul(request)
            read = plan(request) if plan is not None else None
            found, fetched = await _access(request, dialect, read)
            principal = found.principal
            assert principal is not None
            limit_headers = await _limit(request, dialect, principal)
            kwargs = {name: resolve(request, principal, fetched) for name, resolve in params}
            response = await endpoint(**kwargs)
        except Exception as exc:
            error = exc if isinstance(exc, ApiError) else dialect.translate(exc)
            if error is None:
                raise
            return _error(dialect, error, limit_headers)
        if limit_headers:
            response.headers.update(limit_headers)
        return response

    return pipeline


def route_class(dialect: Dialect) -> type[APIRoute]:
    """The `route_class` of a dialect's `APIRouter`: each route runs `handler`'s pipeline."""

    class KitRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            return handler(dialect, self.endpoint)

        def kit_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            """The same pipeline, for the kit's own dispatch (`kit.dispatch`)."""
            return handler(dialect, self.endpoint)

    KitRoute.__name__ = f"{dialect.name.title()}Route"
    return KitRoute
