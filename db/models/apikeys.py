"""API keys of the distributor API: several per distributor, so a rotation overlaps."""

from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, TenantScoped, created_ts, tstz, uuid_pk


class ApiKey(TenantScoped, Base):
    """One key, stored as its SHA-256 only; `revoked_at` ends it without losing its audit
    name. `distributors.api_key_hash` (the key `load` sets) keeps working beside these."""

    __tablename__ = "api_keys"
    __table_args__ = (
        # the authentication lookup: live keys by hash
        Index("uq_api_keys_key_hash", "key_hash", unique=True),
    )

    id: Mapped[uuid_pk]
    key_hash: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_ts]
    revoked_at: Mapped[tstz]
    last_used_at: Mapped[tstz]


