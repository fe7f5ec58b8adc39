"""Orders, their lines (with how each was matched) and attachments."""

from __future__ import annotations

import uuid
from datetime import date, time
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, Numeric, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_list,
    money,
    pg_enum,
    score,
    tstz,
    updated_ts,
    uuid_pk,
)
from db.models.enums import Channel, MatchingMethod, OrderStatus


class Order(TenantScoped, Base):
    """A customer's order, typed by staff or built by the agent from a session."""

    __tablename__ = "orders"
    __table_args__ = (
        Index(None, "distributor_id", "status", "created_at"),
        Index("ix_orders_review", "distributor_id", "created_at",
              postgresql_where=text("requires_review")),
    )

    id: Mapped[uuid_pk]
    customer_id: Mapped[uuid.UUID] = fk("customers.id", nullable=False, ondelete="RESTRICT")
    conversation_id: Mapped[uuid.UUID | None] = fk("conversations.id")
    channel: Mapped[Channel | None] = mapped_column(pg_enum(Channel, "channel"))
    status: Mapped[OrderStatus] = mapped_column(pg_enum(OrderStatus, "order_status"),
                                                default=OrderStatus.PENDING,
                                                server_default="PENDING")
    received_date: Mapped[date | None] = mapped_column(Date)
    received_time: Mapped[time | None] = mapped_column(Time(timezone=True))
    delivery_date: Mapped[date | None] = mapped_column(Date)
    postal_code: Mapped[str | None] = mapped_column(String(20))
    delivery_address: Mapped[str | None] = mapped_column(Text)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0),
                                                  server_default="0")
    additional_comment: Mapped[str | None] = mapped_column(Text)
    whatsapp_message: Mapped[str | None] = mapped_column(Text)
    ai_generated: Mapped[bool] = mapped_column(Boolean, default=False,
                                               server_default=text("false"))
    ai_confidence: Mapped[score]
    ai_source_message_id: Mapped[uuid.UUID | None] = fk("messages.id")
    order_session_id: Mapped[uuid.UUID | None] = fk("conversation_order_sessions.id")
    is_consolidated: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=text("false"))
    requires_review: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=text("false"))
    reviewed_by: Mapped[uuid.UUID | None] = fk("user_profiles.id")
    reviewed_at: Mapped[tstz]
    external_order_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class OrderProduct(TenantScoped, Base):
    """One line of an order, with the catalog match and how sure we were."""

    __tablename__ = "order_products"
    __table_args__ = (Index(None, "order_id", "line_order"),)

    id: Mapped[uuid_pk]
    order_id: Mapped[uuid.UUID] = fk("orders.id", nullable=False, ondelete="CASCADE")
    product_name: Mapped[str] = mapped_column(String(500))
    product_unit: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[money]
    line_price: Mapped[money]
    ai_extracted: Mapped[bool] = mapped_column(Boolean, default=False,
                                               server_default=text("false"))
    ai_confidence: Mapped[score]
    ai_original_text: Mapped[str | None] = mapped_column(Text)
    suggested_product_id: Mapped[uuid.UUID | None] = fk("products.id")
    manual_override: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=text("false"))
    line_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notes: Mapped[str | None] = mapped_column(Text)
    matched_product_id: Mapped[uuid.UUID | None] = fk("products.id")
    # added: the seed says lines can reference variants but names no column for it
    matched_variant_id: Mapped[uuid.UUID | None] = fk("product_variants.id")
    # added: the sku as ordered, kept even if the product is later deleted
    sku: Mapped[str | None] = mapped_column(String(100))
    matching_confidence: Mapped[score]
    matching_method: Mapped[MatchingMethod | None] = mapped_column(
        pg_enum(MatchingMethod, "matching_method"))
    matching_score: Mapped[score]
    alternative_matches: Mapped[jsonb_list]
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class OrderAttachment(TenantScoped, Base):
    """A photo or document that came with an order's messages."""

    __tablename__ = "order_attachments"

    id: Mapped[uuid_pk]
    order_id: Mapped[uuid.UUID | None] = fk("orders.id", ondelete="CASCADE")
    message_id: Mapped[uuid.UUID | None] = fk("messages.id", ondelete="CASCADE")
    content_type: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    provider_url: Mapped[str | None] = mapped_column(Text)
    storage_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_ts]
