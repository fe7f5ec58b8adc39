"""Conversations, messages (inbound and the outbox) and provider message ids."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_dict,
    jsonb_list,
    pg_enum,
    score,
    tstz,
    updated_ts,
    uuid_pk,
)
from db.models.enums import Channel, ConversationStatus, MessageStatus, MessageType


class Conversation(TenantScoped, Base):
    """One thread per (distributor, customer, channel)."""

    __tablename__ = "conversations"
    tenant_index = False
    __table_args__ = (
        UniqueConstraint("distributor_id", "customer_id", "channel"),
        Index(None, "distributor_id", "last_message_at"),
        # added (0004): the inbox's order (newest activity first), read straight off the
        # index instead of sorting every conversation of the distributor
        Index("ix_conversations_inbox", "distributor_id",
              text("coalesce(last_message_at, created_at) DESC"), text("id DESC")),
    )

    id: Mapped[uuid_pk]
    customer_id: Mapped[uuid.UUID] = fk("customers.id", nullable=False, ondelete="CASCADE")
    channel: Mapped[Channel] = mapped_column(pg_enum(Channel, "channel"))
    status: Mapped[ConversationStatus] = mapped_column(
        pg_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.ACTIVE,
        server_default="ACTIVE")
    last_message_at: Mapped[tstz]
    unread_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ai_context_summary: Mapped[str | None] = mapped_column(Text)
    ai_last_processed_at: Mapped[tstz]
    # added: WhatsApp's 24-hour customer-service window is measured from this
    last_customer_message_at: Mapped[tstz]
    # added: human handoff stops automatic replies until staff hand it back
    handoff_active: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=text("false"))
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    handoff_at: Mapped[tstz]
    # added: the distributor's own address/number this thread runs through (replies go
    # out from it); for email, the customer's thread subject
    channel_address: Mapped[str | None] = mapped_column(String(320))
    # added: the thread_position counter, bumped atomically as each message is stored
    message_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    subject: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class Message(TenantScoped, Base):
    """One message in a conversation; outbound ones are the outbox until sent."""

    __tablename__ = "messages"
    tenant_index = False
    __table_args__ = (
        Index(None, "conversation_id", "thread_position"),
        # foreign keys that are NULL on most rows: index only the rows that have one
        Index("ix_messages_order_session_id", "order_session_id",
              postgresql_where=text("order_session_id IS NOT NULL")),
        Index("ix_messages_reply_to_message_id", "reply_to_message_id",
              postgresql_where=text("reply_to_message_id IS NOT NULL")),
        Index("ix_messages_order_context_id", "order_context_id",
              postgresql_where=text("order_context_id IS NOT NULL")),
        # the worker's claim query: unprocessed customer messages, oldest first
        Index("ix_messages_unprocessed", "conversation_id", "created_at",
              postgresql_where=text("is_from_customer AND NOT ai_processed")),
        # the sender's claim query: outbound messages waiting to go out
        Index("ix_messages_outbox", "next_attempt_at",
              postgresql_where=text("NOT is_from_customer AND status = 'QUEUED'")),
        Index(None, "distributor_id", "created_at"),
        # added (0004): the inbox's "text contains" search (pg_trgm); GIN's pending list
        # keeps the cost per stored message small
        Index("ix_messages_content_trgm", "content", postgresql_using="gin",
              postgresql_ops={"content": "gin_trgm_ops"}),
    )

    id: Mapped[uuid_pk]
    conversation_id: Mapped[uuid.UUID] = fk("conversations.id", nullable=False,
                                            ondelete="CASCADE", index=False)
    content: Mapped[str] = mapped_column(Text, default="", server_default="")
    is_from_customer: Mapped[bool] = mapped_column(Boolean)
    message_type: Mapped[MessageType] = mapped_column(
        pg_enum(MessageType, "message_type"), default=MessageType.TEXT, server_default="TEXT")
    status: Mapped[MessageStatus] = mapped_column(
        pg_enum(MessageStatus, "message_status"), default=MessageStatus.RECEIVED,
        server_default="RECEIVED")
    attachments: Mapped[jsonb_list]
    ai_processed: Mapped[bool] = mapped_column(Boolean, default=False,
                                               server_default=text("false"))
    ai_confidence: Mapped[score]
    ai_extracted_intent: Mapped[str | None] = mapped_column(String(32))
    ai_extracted_products: Mapped[jsonb_list]
    ai_suggested_responses: Mapped[jsonb_list]
    order_context_id: Mapped[uuid.UUID | None] = mapped_column()  # soft reference
    order_session_id: Mapped[uuid.UUID | None] = fk("conversation_order_sessions.id",
                                                    use_alter=True, index=False)
    thread_position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reply_to_message_id: Mapped[uuid.UUID | None] = fk("messages.id", index=False)
    external_message_id: Mapped[str | None] = mapped_column(String(255))
    external_metadata: Mapped[jsonb_dict]
    # added for the outbox: who wrote it (agent/staff), attempts, when to retry, why it failed
    sent_by: Mapped[str | None] = mapped_column(String(64))
    send_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[tstz]
    last_error: Mapped[str | None] = mapped_column(Text)
    # added: when the worker finished with it (latency = this - created_at), and read state
    ai_processed_at: Mapped[tstz]
    read_at: Mapped[tstz]
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]



class ExternalMessageMapping(TenantScoped, Base):
    """A provider's message id -> our message; its unique key makes retried webhooks no-ops."""

    __tablename__ = "external_message_mappings"
    tenant_index = False
    __table_args__ = (
        UniqueConstraint("distributor_id", "provider", "external_id"),
        Index("ix_external_message_mappings_integration_id", "integration_id",
              postgresql_where=text("integration_id IS NOT NULL")),
    )

    id: Mapped[uuid_pk]
    provider: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    # deferred: the mapping is inserted first (ON CONFLICT DO NOTHING decides whether this
    # delivery is new), and its message in the same transaction right after
    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        index=True)
    integration_id: Mapped[uuid.UUID | None] = fk("external_integrations.id", index=False)
    raw_metadata: Mapped[jsonb_dict]
    created_at: Mapped[created_ts]
