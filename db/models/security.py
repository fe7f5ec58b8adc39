"""Audit trail, PII findings and the per-distributor encryption keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import INET
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_dict,
    pg_enum,
    score,
    tstz,
    uuid_pk,
)
from db.models.enums import AuditOperation, PIIAction, PIIType


class DataAccessAudit(Base):
    """Who read or changed which customer data, from where.

    Not tenant-scoped by the ORM filter: it records attempts too, including ones
    refused before a tenant was known, so `distributor_id` may be NULL.
    """

    __tablename__ = "data_access_audit"
    __table_args__ = (Index(None, "distributor_id", "created_at"),)

    id: Mapped[uuid_pk]
    table_name: Mapped[str] = mapped_column(String(64))
    operation: Mapped[AuditOperation] = mapped_column(pg_enum(AuditOperation, "audit_operation"))
    user_id: Mapped[uuid.UUID | None] = fk("user_profiles.id")
    distributor_id: Mapped[uuid.UUID | None] = fk("distributors.id", ondelete="CASCADE")
    attempted_record_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)
    # added: the actor when it is not a user (an API key's prefix, a CLI command, a worker)
    actor: Mapped[str | None] = mapped_column(String(128))
    details: Mapped[jsonb_dict]
    created_at: Mapped[created_ts]


class PIIDetectionResult(TenantScoped, Base):
    """One piece of PII found in a message; the value itself is encrypted."""

    __tablename__ = "pii_detection_results"
    __table_args__ = (Index(None, "distributor_id", "created_at"),)

    id: Mapped[uuid_pk]
    message_id: Mapped[uuid.UUID | None] = fk("messages.id", ondelete="CASCADE")
    field_name: Mapped[str] = mapped_column(String(64), default="content")
    pii_type: Mapped[PIIType] = mapped_column(pg_enum(PIIType, "pii_type"))
    detected_value: Mapped[str] = mapped_column(Text)  # encrypted token, never clear text
    confidence_score: Mapped[score]
    detection_rule_id: Mapped[str | None] = mapped_column(String(100))
    # added: where in the text it was, so staff can review without decrypting everything
    start_offset: Mapped[int | None] = mapped_column(Integer)
    end_offset: Mapped[int | None] = mapped_column(Integer)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    is_false_positive: Mapped[bool] = mapped_column(Boolean, default=False,
                                                    server_default=text("false"))
    reviewed_by: Mapped[uuid.UUID | None] = fk("user_profiles.id")
    reviewed_at: Mapped[tstz]
    action_taken: Mapped[PIIAction] = mapped_column(pg_enum(PIIAction, "pii_action"))
    created_at: Mapped[created_ts]


class EncryptionKey(TenantScoped, Base):
    """A distributor's data key, stored wrapped by the master key."""

    __tablename__ = "encryption_keys"
    __table_args__ = (
        UniqueConstraint("distributor_id", "version"),
        Index("uq_encryption_keys_active", "distributor_id", unique=True,
              postgresql_where=text("active")),
    )

    id: Mapped[uuid_pk]
    version: Mapped[int] = mapped_column(Integer)
    algorithm: Mapped[str] = mapped_column(String(32), default="AES-256-GCM")
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    # added: which master key wrapped it (a fingerprint), so rotation knows what to re-wrap
    master_key_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[created_ts]
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
