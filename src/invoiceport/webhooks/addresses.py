"""Where webhooks may go: URL checks, and refusing private and loopback addresses (SSRF).

A partner chooses the URL and the server calls it, so without a check a partner could make the
server call its own admin API, a cloud metadata service or anything else on the internal network.
The host is resolved and every address must be public (`ipaddress.is_global`), both when the
subscription is made and again on every delivery, and the request then goes to the address that
was checked (so a DNS answer that changes in between cannot slip a private address in).

`is_global` calls several IPv6 ranges global although they carry an IPv4 address that a gateway
(NAT64, 6to4) or the host's own stack turns back into IPv4: `64:ff9b::7f00:1` reaches 127.0.0.1
through a NAT64 gateway. The IPv4 address such a form embeds must itself be public; the
local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215) is refused outright.
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


_EMBEDDING_IPV4 = (  # the IPv4 address is the last 32 bits
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible (deprecated, still routed by some stacks)
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (RFC 2765)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64 well-known prefix (RFC 6052)
)
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: inside one network only
_UNSPECIFIED_AND_LOOPBACK = (ipaddress.IPv6Address("::"), ipaddress.IPv6Address("::1"))


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for (mapped, compatible, translated, NAT64, 6to4,
    Teredo); empty for a plain IPv6 address."""
    found = []
    if any(address in network for network in _EMBEDDING_IPV4):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _own_refusal(address: IPAddress) -> str | None:
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


def refusal(address: IPAddress) -> str | None:
    """Why an address may not receive webhooks, or None when it is a public unicast address
    (for an IPv6 form of an IPv4 address, the IPv4 address must be public too)."""
    if isinstance(address, ipaddress.IPv6Address) and address not in _UNSPECIFIED_AND_LOOPBACK:
        if address in _LOCAL_NAT64:
            return "a local-use NAT64 address"
        for inner in embedded_ipv4(address):
            why = _own_refusal(inner)
            if why is not None:
                return f"{why} ({inner}) in IPv6 form"
        if address.ipv4_mapped is not None:
            return None  # the IPv4 address itself is what the socket connects to
    return _own_refusal(address)


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
