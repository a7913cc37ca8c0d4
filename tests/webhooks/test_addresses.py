"""Which URLs and addresses webhooks may target (SSRF guard)."""

from __future__ import annotations

import ipaddress

import pytest

from invoiceport.webhooks.addresses import (
    AddressRefused,
    Target,
    parse_url,
    public_address,
    refusal,
)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.5", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("224.0.0.1", "multicast"),
    ],
)
def test_non_public_addresses_are_refused(address: str, why: str) -> None:
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/x", "https://"),
        ("example.com/hooks", "https://"),
        ("https:///path", "no host"),
        ("https://user:pw@example.com/", "user name"),
        ("https://example.com/#frag", "fragment"),
        ("https://example.com:99999/", "not a valid URL"),
        ("https://exa mple.com/", "white space"),
    ],
)
def test_malformed_urls_are_refused(url: str, problem: str) -> None:
    with pytest.raises(AddressRefused, match=problem):
        parse_url(url)


def test_default_ports() -> None:
    assert parse_url("https://example.com/a").port == 443
    assert parse_url("http://example.com/a").port == 80
    assert parse_url("http://example.com:8080/a").port == 8080


async def test_names_are_resolved_and_checked() -> None:
    with pytest.raises(AddressRefused, match="loopback"):
        await public_address(Target("http", "localhost", 80))
    with pytest.raises(AddressRefused, match="cannot resolve"):
        await public_address(Target("http", "no-such-host.invalid", 80))


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 (RFC 6052) of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of the cloud metadata service
        ("64:ff9b::a00:5", "private"),  # NAT64 of 10.0.0.5
        ("64:ff9b:1::808:808", "local-use NAT64"),  # RFC 8215, refused whole
        ("::7f00:1", "loopback"),  # IPv4-compatible
        ("::a00:5", "private"),
        ("2002:7f00:1::1", "loopback"),  # 6to4
        ("2002:a9fe:a9fe::", "link-local"),
        ("::ffff:0:7f00:1", "loopback"),  # IPv4-translated (RFC 2765)
        ("::ffff:0:c0a8:1", "private"),
        ("::ffff:a9fe:a9fe", "link-local"),  # IPv4-mapped
    ],
)
def test_ipv6_forms_of_non_public_ipv4_addresses_are_refused(address: str, why: str) -> None:
    """`ipaddress.is_global` calls all of these global; the IPv4 address inside is not."""
    reason = refusal(ipaddress.ip_address(address))
    assert reason is not None and why in reason, reason


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:808:808", "::ffff:0:808:808"]
)
def test_ipv6_forms_of_public_ipv4_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


async def test_a_nat64_literal_is_refused_at_connect_time() -> None:
    with pytest.raises(AddressRefused, match=r"loopback address \(127.0.0.1\) in IPv6 form"):
        await public_address(Target("http", "64:ff9b::7f00:1", 80))
