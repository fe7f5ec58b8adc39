"""Distributors (the tenants), their staff and staff invitations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, Index, Integer, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import INET
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import (
    Base,
    TenantScoped,
    created_ts,
    fk,
    jsonb_dict,
    jsonb_list,
    pg_enum,
    tstz,
    updated_ts,
    uuid_pk,
)
from db.models.enums import (
    DistributorStatus,
    InvitationStatus,
    SubscriptionStatus,
    SubscriptionTier,
    UserRole,
    UserStatus,
)


class Distributor(Base):
    """A business using the platform; every other row belongs to one."""

    __tablename__ = "distributors"

    id: Mapped[uuid_pk]
    # added: a stable, human-typed handle (`--distributor demo`, the load file's key)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    business_name: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str | None] = mapped_column(String(255))
    subdomain: Mapped[str | None] = mapped_column(String(63), unique=True)
    api_key_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    webhook_secret: Mapped[str | None] = mapped_column(Text)  # encrypted token
    subscription_tier: Mapped[SubscriptionTier] = mapped_column(
        pg_enum(SubscriptionTier, "subscription_tier"), default=SubscriptionTier.FREE,
        server_default="FREE")
    subscription_status: Mapped[SubscriptionStatus] = mapped_column(
        pg_enum(SubscriptionStatus, "subscription_status"), default=SubscriptionStatus.ACTIVE,
        server_default="ACTIVE")
    billing_email: Mapped[str | None] = mapped_column(String(255))
    contact_name: Mapped[str | None] = mapped_column(String(255))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    ai_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    ai_model_preference: Mapped[str] = mapped_column(
        String(100), default="gpt-4", server_default="gpt-4")
    ai_confidence_threshold: Mapped[Decimal] = mapped_column(
        Numeric(3, 2), default=Decimal("0.80"), server_default="0.80")
    monthly_ai_budget_usd: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    status: Mapped[DistributorStatus] = mapped_column(
        pg_enum(DistributorStatus, "distributor_status"), default=DistributorStatus.ACTIVE,
        server_default="ACTIVE")
    onboarding_completed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=text("false"))
    max_customers: Mapped[int | None] = mapped_column(Integer)
    max_monthly_messages: Mapped[int | None] = mapped_column(Integer)
    max_monthly_ai_requests: Mapped[int | None] = mapped_column(Integer)
    # added: default for new order sessions' auto_close_timeout_minutes
    auto_close_timeout_minutes: Mapped[int] = mapped_column(Integer, default=120,
                                                            server_default="120")
    # added: retention for `orderagent purge` (NULL keeps data)
    data_retention_days: Mapped[int | None] = mapped_column(Integer)
    # added: bumped on every catalog change, so workers rebuild their cached match index
    catalog_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class UserProfile(TenantScoped, Base):
    """A member of a distributor's staff."""

    __tablename__ = "user_profiles"
    # added (0004): sign-in is by email alone, so one email is one staff member; stored
    # lower-cased
    __table_args__ = (Index("uq_user_profiles_email", "email", unique=True),)

    id: Mapped[uuid_pk]
    # added: staff are identified by email here (no hosted auth provider)
    email: Mapped[str | None] = mapped_column(String(255))
    # added (0004): the console's sign-in; an argon2id hash, never the password
    password_hash: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    display_name: Mapped[str | None] = mapped_column(String(200))
    avatar_url: Mapped[str | None] = mapped_column(Text)
    role: Mapped[UserRole] = mapped_column(pg_enum(UserRole, "user_role"),
                                           default=UserRole.OPERATOR, server_default="OPERATOR")
    permissions: Mapped[jsonb_list]
    status: Mapped[UserStatus] = mapped_column(pg_enum(UserStatus, "user_status"),
                                               default=UserStatus.ACTIVE, server_default="ACTIVE")
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=text("false"))
    last_sign_in_at: Mapped[tstz]
    last_activity_at: Mapped[tstz]
    sign_in_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    notification_preferences: Mapped[jsonb_dict]
    onboarding_completed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=text("false"))
    onboarding_step: Mapped[int | None] = mapped_column(Integer)
    require_password_change: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default=text("false"))
    two_factor_enabled: Mapped[bool] = mapped_column(Boolean, default=False,
                                                     server_default=text("false"))
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class UserInvitation(TenantScoped, Base):
    """An invitation for a new staff member."""

    __tablename__ = "user_invitations"

    id: Mapped[uuid_pk]
    email: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(pg_enum(UserRole, "user_role"))
    permissions: Mapped[jsonb_list]
    invited_by: Mapped[uuid.UUID | None] = fk("user_profiles.id")
    invitation_token: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(
        pg_enum(InvitationStatus, "invitation_status"), default=InvitationStatus.PENDING,
        server_default="PENDING")
    expires_at: Mapped[tstz]
    sent_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_sent_at: Mapped[tstz]
    accepted_at: Mapped[tstz]
    revoked_at: Mapped[tstz]
    revoked_by: Mapped[uuid.UUID | None] = fk("user_profiles.id")
    personal_message: Mapped[str | None] = mapped_column(Text)
    # added (0004): the invitation email is due (set on invite and resend; the console's
    # mailer sends it, with a fresh token, and clears it), and why the last send failed
    send_requested_at: Mapped[tstz]
    last_send_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_ts]


class UserSession(Base):
    """A signed-in staff member's console session (the cookie holds the token, we its hash).

    Not tenant-scoped by the ORM filter: the cookie is looked up before the tenant is
    known; the distributor is the user's. No `distributor_id` and no `updated_at`, so the
    earlier migrations' table-wide loops (row-level security, triggers) never meet it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[uuid_pk]
    user_id: Mapped[uuid.UUID] = fk("user_profiles.id", nullable=False, ondelete="CASCADE")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_ts]
    last_seen_at: Mapped[tstz]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[tstz]
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)
