"""Which distributor owns a provider number or address: a per-process cache of integrations.

A webhook names its distributor only by the number, phone_number_id or address it was
sent to (`external_integrations.provider` + `route_key`, unique across tenants). The
lookup is a system path (tenant `ALL`) that also decrypts the integration's credentials;
both are kept for a short TTL, so the hot path does no query and no decryption, and a
credential rotated with `orderagent load` is picked up within `ttl_s`. Unknown keys are
remembered briefly too, so a flood of requests for a number we do not serve stays cheap.

During a database outage a known route is served from the cache however old it is, so
webhooks keep being verified and spooled (`channels.spool`); an unknown one raises
`Unavailable` and its request is spooled raw, to be routed on drain. `offline=True`
(the spool is draining, the database is known down) reads the cache without querying.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from channels.base import ChannelNotConfigured
from core.errors import Unavailable
from db.crypto import DecryptionError, Keyring
from db.engine import UNAVAILABLE_ERRORS, Database
from db.models import ExternalIntegration
from db.models.enums import IntegrationStatus
from db.tenant import ALL

DEFAULT_TTL_S = 30.0
MISS_TTL_S = 5.0


@dataclass(frozen=True, slots=True)
class Owner:
    """An active integration with its clear credentials (kept in memory only)."""

    integration_id: uuid.UUID
    distributor_id: uuid.UUID
    provider: str
    route_key: str
    config: Mapping[str, Any]
    credentials: Mapping[str, str]


async def _owners(db: Database, keyring: Keyring, provider: str,
                  route_key: str | None) -> list[Owner]:
    """Active integrations of `provider` (one `route_key`, or all), credentials opened."""
    stmt = select(ExternalIntegration).where(
        ExternalIntegration.provider == provider,
        ExternalIntegration.status == IntegrationStatus.ACTIVE)
    if route_key is not None:
        stmt = stmt.where(ExternalIntegration.route_key == route_key)
    try:
        async with db.transaction(tenant=ALL) as session:
            rows = (await session.execute(stmt)).scalars().all()
            found = []
            for row in rows:
                try:
                    creds = await keyring.decrypt_json(session, row.distributor_id,
                                                       row.credentials or {})
                except DecryptionError as exc:
                    # a wrong master key must not read as "unsigned is fine" nor as 404
                    raise ChannelNotConfigured(
                        f"credentials of integration {row.id} do not decrypt") from exc
                found.append(Owner(row.id, row.distributor_id, row.provider, row.route_key,
                                   dict(row.config or {}), dict(creds)))
            return found
    except UNAVAILABLE_ERRORS as exc:  # raised before a transaction existed (connect)
        raise Unavailable("database unavailable") from exc


MAX_ENTRIES = 10_000


class OwnerCache:
    """Integration lookups by (provider, route key), cached per process with a TTL."""

    def __init__(self, db: Database, keyring: Keyring, *, ttl_s: float = DEFAULT_TTL_S,
                 miss_ttl_s: float = MISS_TTL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._db, self._keyring = db, keyring
        self._ttl, self._miss_ttl, self._clock = ttl_s, miss_ttl_s, clock
        self._entries: dict[tuple[str, str | None], tuple[float, list[Owner]]] = {}
        # one query per key at a time: a burst on a cold cache waits for the first
        self._pending: dict[tuple[str, str | None], asyncio.Future[list[Owner]]] = {}

    async def get(self, provider: str, route_key: str, *, offline: bool = False
                  ) -> Owner | None:
        """The active integration of `provider` for this number/address, or None."""
        routes = await self._routes(provider, route_key, offline)
        return routes[0] if routes else None

    async def all_of(self, provider: str, *, offline: bool = False) -> list[Owner]:
        """Every active integration of a provider (Meta's handshake names no number)."""
        return await self._routes(provider, None, offline)

    async def _routes(self, provider: str, route_key: str | None,
                      offline: bool) -> list[Owner]:
        entry = self._entries.get((provider, route_key))
        if offline:
            if entry is not None and entry[1]:
                return entry[1]
            raise Unavailable("database unavailable and this route is not cached")
        try:
            return await self._lookup(provider, route_key)
        except ChannelNotConfigured:
            raise
        except Unavailable:
            if entry is not None and entry[1]:  # a known route, however old: keep serving
                return entry[1]
            raise

    def clear(self) -> None:
        """Forget everything (tests, or after loading a distributor in-process)."""
        self._entries.clear()

    async def _lookup(self, provider: str, route_key: str | None) -> list[Owner]:
        key = (provider, route_key)
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and entry[0] > now:
            return entry[1]
        pending = self._pending.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # we were cancelled ourselves
                # the caller doing the lookup went away mid-query: do it ourselves
                return await self._lookup(provider, route_key)
        future: asyncio.Future[list[Owner]] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            routes = await _owners(self._db, self._keyring, provider, route_key)
        except asyncio.CancelledError:
            future.cancel()  # waiters see it and look up themselves
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so a lone caller leaves no warning
            raise
        else:
            future.set_result(routes)
            if len(self._entries) >= MAX_ENTRIES:
                # known routes stay (bounded by the integrations): served in an outage
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now or e[1]}
            # unknown numbers come from the outside, unsigned: remember them only while
            # there is room (real routes are bounded by the number of integrations)
            if routes or len(self._entries) < MAX_ENTRIES:
                self._entries[key] = (now + (self._ttl if routes else self._miss_ttl), routes)
            return routes
        finally:
            del self._pending[key]
