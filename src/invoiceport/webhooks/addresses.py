"""Where webhooks may go: URL checks, and refusing private and loopback addresses (SSRF).

A partner chooses the URL and the server calls it, so without a check a partner could make the
server call its own admin API, a cloud metadata service or anything else on the internal network.
The host is resolved and every address must be public (`ipaddress.is_global`), both when the
subscription is made and again on every delivery, and the request then goes to the address that
was checked (so a DNS answer that changes in between cannot slip a private address in).
`INVOICEPORT_WEBHOOK_ALLOW_PRIVATE=true` turns the address check off (tests, private networks).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
RESOLVE_TIMEOUT_SECONDS = 5.0


class AddressRefused(Exception):
    """The URL is malformed, does not resolve, or points at a non-public address."""


@dataclass(frozen=True, slots=True)
class Target:
    scheme: str
    host: str  # as written in the URL (a name or an address literal)
    port: int


def parse_url(url: str) -> Target:
    """An absolute http(s) URL with a host and no credentials; anything else is refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused(f"url: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("url: must start with https:// or http://")
    if not parts.hostname:
        raise AddressRefused("url: has no host")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("url: must not contain a user name or password")
    if parts.fragment:
        raise AddressRefused("url: must not contain a #fragment")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise AddressRefused("url: must not contain white space or control characters")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, parts.hostname, port or default)


def _unwrap(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal(address: IPAddress) -> str | None:
    """Why an address may not receive webhooks, or None when it is a public unicast address."""
    address = _unwrap(address)
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an address literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_SECONDS):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError) as exc:
        raise AddressRefused(f"cannot resolve host {host!r}: {exc or type(exc).__name__}") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise AddressRefused(f"host {host!r} has no addresses")
    return addresses


async def public_address(target: Target) -> IPAddress:
    """The address to connect to: the first one, provided every address is public."""
    addresses = await resolve(target.host, target.port)
    for address in addresses:
        why = refusal(address)
        if why is not None:
            raise AddressRefused(
                f"refused: {target.host} resolves to {address}, {why} "
                "(INVOICEPORT_WEBHOOK_ALLOW_PRIVATE=true allows it)"
            )
    return addresses[0]
