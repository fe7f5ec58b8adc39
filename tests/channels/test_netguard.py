"""Outbound webhooks cannot be pointed at our own network."""

from __future__ import annotations

import pytest

from api.netguard import PrivateAddress, PublicOnlyResolver, check_url, is_public


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.5", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("not-an-ip", False),
])
def test_only_globally_routable_addresses_are_public(address: str, public: bool) -> None:
    """Loopback, private, link-local (cloud metadata), multicast: all refused."""
    assert is_public(address) is public


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data", "http://[::1]/x",
    "https://localhost/hook", "http://10.0.0.8/erp",
])
def test_private_literals_are_refused_before_connecting(url: str) -> None:
    """An IP literal or localhost name never gets a connection attempt."""
    with pytest.raises(PrivateAddress):
        check_url(url)


def test_public_urls_pass_the_literal_check() -> None:
    """Names are left to the resolver; public literals pass."""
    check_url("https://erp.example.com/hook")
    check_url("https://8.8.8.8/hook")


async def test_a_name_resolving_to_loopback_is_refused() -> None:
    """The check runs on resolved addresses, so a name pointing inside is refused too."""
    resolver = PublicOnlyResolver()
    try:
        with pytest.raises(PrivateAddress):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()
