"""Order sessions: the state machine that collects items before an order exists."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_dict,
    money,
    pg_enum,
    score,
    tstz,
    updated_ts,
    uuid_pk,
)
from db.models.enums import SessionEventType, SessionItemStatus, SessionOutcome, SessionStatus


class ConversationOrderSession(TenantScoped, Base):
    """One order being collected in a conversation (ACTIVE → COLLECTING → REVIEWING → CLOSED)."""

    __tablename__ = "conversation_order_sessions"
    __table_args__ = (
        Index(None, "distributor_id", "status"),
        # at most one open session per conversation
        Index("uq_sessions_open_per_conversation", "conversation_id", unique=True,
              postgresql_where=text("status <> 'CLOSED'")),
    )

    id: Mapped[uuid_pk]
    conversation_id: Mapped[uuid.UUID] = fk("conversations.id", nullable=False,
                                            ondelete="CASCADE")
    status: Mapped[SessionStatus] = mapped_column(pg_enum(SessionStatus, "session_status"),
                                                  default=SessionStatus.ACTIVE,
                                                  server_default="ACTIVE")
    started_at: Mapped[created_ts]
    collecting_started_at: Mapped[tstz]
    review_started_at: Mapped[tstz]
    closed_at: Mapped[tstz]
    outcome: Mapped[SessionOutcome | None] = mapped_column(
        pg_enum(SessionOutcome, "session_outcome"))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    consolidated_order_id: Mapped[uuid.UUID | None] = fk("orders.id", use_alter=True)
    session_metadata: Mapped[jsonb_dict]
    ai_confidence_avg: Mapped[score]
    ai_interactions_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    auto_close_timeout_minutes: Mapped[int] = mapped_column(Integer, default=120,
                                                            server_default="120")
    reminder_sent_at: Mapped[tstz]
    # added: inactivity is measured from the customer's last message in the session
    last_activity_at: Mapped[tstz]
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]
    created_by: Mapped[str | None] = mapped_column(String(64))
    closed_by: Mapped[str | None] = mapped_column(String(64))


class OrderSessionItem(TenantScoped, Base):
    """An item collected in a session, before it becomes an order line."""

    __tablename__ = "order_session_items"
    __table_args__ = (Index(None, "order_session_id", "status"),)

    id: Mapped[uuid_pk]
    order_session_id: Mapped[uuid.UUID] = fk("conversation_order_sessions.id", nullable=False,
                                             ondelete="CASCADE")
    product_id: Mapped[uuid.UUID | None] = fk("products.id")
    # added: the variant the line resolved to (a variant is its own sellable sku)
    variant_id: Mapped[uuid.UUID | None] = fk("product_variants.id")
    product_name: Mapped[str] = mapped_column(String(500))
    product_code: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[money]
    source_message_id: Mapped[uuid.UUID | None] = fk("messages.id")
    ai_extracted: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    ai_confidence: Mapped[score]
    status: Mapped[SessionItemStatus] = mapped_column(
        pg_enum(SessionItemStatus, "session_item_status"), default=SessionItemStatus.PENDING,
        server_default="PENDING")
    added_at: Mapped[created_ts]
    confirmed_at: Mapped[tstz]
    removed_at: Mapped[tstz]
    item_metadata: Mapped[jsonb_dict]


class OrderSessionEvent(TenantScoped, Base):
    """One entry of a session's audit trail (every transition and item change)."""

    __tablename__ = "order_session_events"
    __table_args__ = (Index(None, "order_session_id", "created_at"),)

    id: Mapped[uuid_pk]
    order_session_id: Mapped[uuid.UUID] = fk("conversation_order_sessions.id", nullable=False,
                                             ondelete="CASCADE")
    event_type: Mapped[SessionEventType] = mapped_column(
        pg_enum(SessionEventType, "session_event_type"))
    event_data: Mapped[jsonb_dict]
    triggered_by: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[uuid.UUID | None] = fk("messages.id")
    created_at: Mapped[created_ts]
