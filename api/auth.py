"""Who is calling the distributor API: the API key, checked in constant time, and the audit.

Keys are stored hashed (`distributors.api_key_hash`); a presented key is hashed, looked up
and compared with `hmac.compare_digest`. Every read or write of customer data writes a
`data_access_audit` row in the request's own transaction (so a rolled-back change leaves
no audit of a write that never happened), and refused attempts are audited too.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.api_keys import key_owner
from db.crypto import hash_api_key
from db.models import DataAccessAudit, Distributor
from db.models.enums import AuditOperation, DistributorStatus

MAX_KEY_LENGTH = 512


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated caller: the distributor, the key's (or user's) audit name, where from."""

    distributor_id: uuid.UUID | None
    actor: str
    ip: str | None
    user_agent: str | None
    user_id: uuid.UUID | None = None  # a staff member signed in to the console


def bearer_key(request: web.Request) -> str | None:
    """The key from `Authorization: Bearer <key>`, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_KEY_LENGTH:
        return None
    return token


def actor_name(digest: str) -> str:
    """How a key appears in the audit: its hash's first 8 hex digits, never the key."""
    return "api_key:" + digest.removeprefix("sha256:")[:8]


def client_ip(request: web.Request) -> str | None:
    """The peer address (a valid IP for the INET column, or None on a unix socket)."""
    try:
        return str(ipaddress.ip_address(request.remote or ""))
    except ValueError:
        return None


def anonymous(request: web.Request) -> Caller:
    """The caller of a refused request: named by its key's hash prefix, if it sent one."""
    key = bearer_key(request)
    actor = actor_name(hash_api_key(key)) if key else "anonymous"
    return Caller(None, actor, client_ip(request),
                  (request.headers.get("User-Agent") or "")[:512] or None)


class AuthThrottle:
    """Failed API key attempts per client address: past `per_minute`, a request from it
    without a valid key is 429 until the minute has moved on, so the audit cannot be
    flooded nor the key table hammered for free. A valid key always goes through: the
    address may be a proxy or NAT that many distributors share. The `limits` package's
    moving window, in this process's memory (each process counts its own)."""

    def __init__(self, per_minute: int) -> None:
        self._limit = RateLimitItemPerMinute(per_minute)
        self._limiter: MovingWindowRateLimiter | None = None

    def _window(self) -> MovingWindowRateLimiter:
        if self._limiter is None:  # made on the running loop: the storage expires keys on it
            self._limiter = MovingWindowRateLimiter(MemoryStorage())
        return self._limiter

    async def retry_after(self, ip: str | None) -> int | None:
        """Seconds until `ip` may try again, or None when it may now."""
        limiter = self._window()
        if await limiter.test(self._limit, "api-auth", ip or "unknown"):
            return None
        stats = await limiter.get_window_stats(self._limit, "api-auth", ip or "unknown")
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def failed(self, ip: str | None) -> None:
        """Count one refused attempt from `ip`."""
        await self._window().hit(self._limit, "api-auth", ip or "unknown")


async def authenticate(session: AsyncSession, request: web.Request) -> Caller | None:
    """The caller behind the request's key, or None (the session must be scoped `ALL`)."""
    key = bearer_key(request)
    if key is None:
        return None
    digest = hash_api_key(key)
    row = (await session.execute(select(Distributor.id, Distributor.api_key_hash).where(
        Distributor.api_key_hash == digest,
        Distributor.status != DistributorStatus.INACTIVE))).first()
    # the lookup is by hash; the comparison is constant-time all the same
    if row is not None and hmac.compare_digest(row.api_key_hash.encode(), digest.encode()):
        owner = row.id
    else:  # the keys of `orderagent api-keys create` (several per distributor)
        owner = await key_owner(session, digest)
    if owner is None:
        return None
    caller = anonymous(request)
    return Caller(owner, actor_name(digest), caller.ip, caller.user_agent)


async def audit(session: AsyncSession, caller: Caller, table: str, operation: AuditOperation,
                record_ids: Iterable[uuid.UUID | str | None],
                details: dict[str, Any] | None = None) -> None:
    """One `data_access_audit` row per record read or written (one row for none)."""
    ids = list(record_ids) or [None]
    rows = [{"table_name": table, "operation": operation,
             "distributor_id": caller.distributor_id,
             "attempted_record_id": None if rid is None else str(rid)[:64],
             "ip_address": caller.ip, "user_agent": caller.user_agent, "actor": caller.actor,
             "user_id": caller.user_id,
             "details": details or {}} for rid in ids]
    await session.execute(insert(DataAccessAudit), rows)
