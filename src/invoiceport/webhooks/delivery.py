"""One webhook HTTP request: signed, bounded in time and size, and classified.

Standard Webhooks' status handling: 2xx is success; everything else (3xx included: redirects are
not followed) is a failure to retry; 410 Gone disables the endpoint; a `Retry-After` header
(seconds or an HTTP date) postpones the next attempt. Outbound connections go through
`CheckedBackend`, which resolves the host and refuses private and loopback addresses at connect
time, unless `INVOICEPORT_WEBHOOK_ALLOW_PRIVATE` allows them.

The partner reads every attempt back, so an attempt records the status line only (`"503 Service
Unavailable"`, the standard reason phrase), never the body: were an address check ever bypassed,
the body of an internal service (a cloud metadata document) would otherwise reach the partner.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Literal

import httpcore
import httpx

from invoiceport import __version__
from invoiceport.webhooks import signing
from invoiceport.webhooks.addresses import AddressRefused, Target, parse_url, public_address

ERROR_CHARS = 500
USER_AGENT = f"invoiceport-webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Literal["succeeded", "failed"]
    status_code: int | None
    duration_ms: int
    error: str | None = None
    response_excerpt: str | None = None
    retry_after: float | None = None  # seconds, from the response's Retry-After

    @property
    def gone(self) -> bool:
        return self.status_code == 410


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses: resolves, checks every address, connects to one."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await public_address(Target("tcp", host, port))
        return await self._inner.connect_tcp(
            str(address), port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the connection pool built on `CheckedBackend`.

    httpx has no public switch for the network backend, so the pool it builds is replaced by an
    identical one that uses ours (TLS still verifies the URL's host name, and connections are
    pooled per host name, not per address).
    """

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=CheckedBackend(),
        )


def new_client(*, timeout: float, allow_private: bool, concurrency: int) -> httpx.AsyncClient:
    """The worker's one HTTP client: no redirects, no proxies from the environment."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    transport = (
        httpx.AsyncHTTPTransport(trust_env=False, limits=limits)
        if allow_private
        else _CheckedTransport(limits)
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """`Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`, as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def status_line(status: int) -> str:
    """`404 Not Found`: the code and its standard phrase (not the receiver's own words)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, AddressRefused):
        return str(exc)
    if isinstance(exc, httpx.InvalidURL):
        return f"invalid URL: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc or type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}"


async def send(
    client: httpx.AsyncClient,
    *,
    url: str,
    message_id: str,
    body: bytes,
    secrets: list[bytes],
    seconds: float,
    authorization: str | None = None,
) -> Result:
    """POST the signed body once; never raises for anything the receiver or network does.
    `authorization`: an `Authorization` header to send as well (notification endpoints)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parse_url(url)  # subscriptions were checked, but the stored URL is checked again
        now = datetime.now(UTC)
        headers = signing.headers(secrets, message_id, int(now.timestamp()), body)
        headers["content-type"] = "application/json"
        if authorization is not None:
            headers["authorization"] = authorization
        async with asyncio.timeout(seconds):
            async with client.stream("POST", url, content=body, headers=headers) as response:
                pass  # the body is never read: the status is the whole answer
    except (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError, AddressRefused) as exc:
        return Result("failed", None, elapsed(), _describe(exc, seconds)[:ERROR_CHARS])
    status = response.status_code
    text = status_line(status)
    if 200 <= status < 300:
        return Result("succeeded", status, elapsed(), None, text)
    return Result(
        "failed",
        status,
        elapsed(),
        f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else ""),
        text,
        retry_after_seconds(response.headers.get("retry-after"), datetime.now(UTC)),
    )
