"""The distributor's business customers and their labels."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    pg_enum,
    tstz,
    updated_ts,
    uuid_pk,
)
from db.models.enums import CustomerInvitationStatus, CustomerStatus


class Customer(TenantScoped, Base):
    """A business that orders from the distributor, found by phone or email."""

    __tablename__ = "customers"
    tenant_index = False
    __table_args__ = (
        # one customer per channel identity within a distributor (schema.md)
        UniqueConstraint("distributor_id", "phone"),
        UniqueConstraint("distributor_id", "email"),
        UniqueConstraint("distributor_id", "customer_code"),
        Index(None, "distributor_id", "status"),
    )

    id: Mapped[uuid_pk]
    business_name: Mapped[str | None] = mapped_column(String(255))
    contact_person_name: Mapped[str | None] = mapped_column(String(255))
    customer_code: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))  # lower-cased
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    address: Mapped[str | None] = mapped_column(Text)
    avatar_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CustomerStatus] = mapped_column(
        pg_enum(CustomerStatus, "customer_status"), default=CustomerStatus.NO_ORDERS_YET,
        server_default="NO_ORDERS_YET")
    invitation_status: Mapped[CustomerInvitationStatus] = mapped_column(
        pg_enum(CustomerInvitationStatus, "customer_invitation_status"),
        default=CustomerInvitationStatus.PENDING, server_default="PENDING")
    joined_date: Mapped[date | None] = mapped_column(Date)
    last_ordered_date: Mapped[date | None] = mapped_column(Date)
    expected_order_date: Mapped[date | None] = mapped_column(Date)
    total_orders: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_spent: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0),
                                                 server_default="0")
    # added: SMS/WhatsApp consent (schema.md: store when and how a customer opted out)
    sms_opted_out_at: Mapped[tstz]
    whatsapp_opted_out_at: Mapped[tstz]
    opt_out_method: Mapped[str | None] = mapped_column(String(64))
    # added: preferred reply language, learned from the customer's messages
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class CustomerLabel(TenantScoped, Base):
    """A category a distributor gives its customers (Restaurant, Bar, ...)."""

    __tablename__ = "customer_labels"
    __table_args__ = (UniqueConstraint("distributor_id", "name"),)

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(100))
    color: Mapped[str | None] = mapped_column(String(7))
    description: Mapped[str | None] = mapped_column(Text)
    is_predefined: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=text("false"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class CustomerLabelAssignment(TenantScoped, Base):
    """A label on a customer (many to many)."""

    __tablename__ = "customer_label_assignments"

    customer_id: Mapped[uuid.UUID] = fk(
        "customers.id", nullable=False, ondelete="CASCADE", primary_key=True)
    label_id: Mapped[uuid.UUID] = fk(
        "customer_labels.id", nullable=False, ondelete="CASCADE", primary_key=True)
    value: Mapped[str | None] = mapped_column(String(255))
    assigned_at: Mapped[created_ts]
