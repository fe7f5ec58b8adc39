"""Outbound webhooks reach only public addresses (no SSRF into the host's network).

A distributor chooses its webhook URLs, so without a guard it could make our server
POST to 169.254.169.254, localhost:5432 or an internal host, and read the outcome back
from the delivery history. The check runs where the connection is made, on the
resolved addresses, so a name that resolves (or re-resolves) to a private address is
refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver


class PrivateAddress(OSError):
    """The destination is not a public internet address."""


def is_public(address: str) -> bool:
    """True for a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Refuse a URL whose host is a non-public IP literal (names are checked on connect)."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host.lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
            raise PrivateAddress(f"refused: {host} is not a public address") from None
        return
    if not is_public(host):
        raise PrivateAddress(f"refused: {host} is not a public address")


class PublicOnlyResolver(AbstractResolver):
    """Resolves names like the default resolver, keeping only public addresses."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        """The public addresses of `host`; none is an error."""
        results = [r for r in await self._inner.resolve(host, port, family)
                   if is_public(r["host"])]
        if not results:
            raise PrivateAddress(f"refused: {host} resolves to no public address")
        return results

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()
