"""API keys at rest: create (the key is shown once), list, revoke, and find a key's owner.

A distributor may hold several live keys, so a rotation overlaps: create the new key,
move the clients, revoke the old one. Only SHA-256 hashes are stored (`db.crypto.
hash_api_key`); a key's audit name is its hash's first 8 hex digits.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.crypto import hash_api_key
from db.models import ApiKey, Distributor
from db.models.enums import DistributorStatus

KEY_PREFIX = "oa_"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A key as `api-keys list` shows it: never the key, only its audit name."""

    id: uuid.UUID
    actor: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def audit_name(digest: str) -> str:
    """How a key appears in audits and listings: its hash's first 8 hex digits."""
    return "api_key:" + digest.removeprefix("sha256:")[:8]


async def distributor_by_slug(session: AsyncSession, slug: str) -> Distributor | None:
    """The distributor with this slug (the session scoped `ALL`)."""
    return (await session.execute(select(Distributor).where(Distributor.slug == slug))
            ).scalar_one_or_none()


async def create_key(session: AsyncSession, distributor_id: uuid.UUID,
                     name: str | None = None) -> tuple[str, KeyInfo]:
    """A new key for the distributor: (the key, shown once; its stored info)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(distributor_id=distributor_id, key_hash=hash_api_key(key), name=name,
                 created_at=datetime.now(UTC))
    session.add(row)
    await session.flush()
    return key, _info(row)


async def list_keys(session: AsyncSession, distributor_id: uuid.UUID) -> list[KeyInfo]:
    """The distributor's keys, oldest first (revoked ones too, marked)."""
    rows = (await session.execute(select(ApiKey).where(ApiKey.distributor_id == distributor_id)
                                  .order_by(ApiKey.created_at))).scalars()
    return [_info(r) for r in rows]


async def revoke_key(session: AsyncSession, distributor_id: uuid.UUID, which: str) -> int:
    """Revoke the distributor's live key named `which` (its id or audit name); the count."""
    keys = await list_keys(session, distributor_id)
    ids = [k.id for k in keys if k.revoked_at is None and which in (str(k.id), k.actor,
                                                                     k.actor.split(":")[1])]
    if ids:
        await session.execute(update(ApiKey).where(ApiKey.id.in_(ids))
                              .values(revoked_at=datetime.now(UTC)))
    return len(ids)


async def key_owner(session: AsyncSession, digest: str) -> uuid.UUID | None:
    """The active distributor holding a live key with this hash (session scoped `ALL`)."""
    return (await session.execute(
        select(ApiKey.distributor_id).join(Distributor, Distributor.id == ApiKey.distributor_id)
        .where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None),
               Distributor.status != DistributorStatus.INACTIVE))).scalar_one_or_none()


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.id, audit_name(row.key_hash), row.name, row.created_at, row.revoked_at,
                   row.last_used_at)
