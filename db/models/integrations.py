"""Provider integrations and the distributor's outbound webhook subscriptions."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint, text
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
    DeliveryStatus,
    IntegrationStatus,
    IntegrationType,
    WebhookAuthType,
)


class ExternalIntegration(TenantScoped, Base):
    """A provider account (Twilio, Meta, an email provider) of one distributor."""

    __tablename__ = "external_integrations"
    __table_args__ = (
        # how an inbound webhook finds its distributor: the number, phone_number_id or
        # address is unique per provider across all tenants
        UniqueConstraint("provider", "route_key"),
        Index("ix_external_integrations_config", "config", postgresql_using="gin"),
    )

    id: Mapped[uuid_pk]
    integration_type: Mapped[IntegrationType] = mapped_column(
        pg_enum(IntegrationType, "integration_type"), default=IntegrationType.MESSAGING,
        server_default="MESSAGING")
    provider: Mapped[str] = mapped_column(String(32))
    provider_version: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(255))
    config: Mapped[jsonb_dict]
    credentials: Mapped[jsonb_dict]  # {"ciphertext": token} — encrypted with the data key
    # added: the routing key of inbound webhooks (E.164 number, phone_number_id, address)
    route_key: Mapped[str] = mapped_column(String(320))
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(Text)  # encrypted token
    status: Mapped[IntegrationStatus] = mapped_column(
        pg_enum(IntegrationStatus, "integration_status"), default=IntegrationStatus.ACTIVE,
        server_default="ACTIVE")
    last_sync_at: Mapped[tstz]
    sync_frequency_minutes: Mapped[int | None] = mapped_column(Integer)
    error_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error_message: Mapped[str | None] = mapped_column(Text)
    capabilities: Mapped[jsonb_list]
    rate_limit_remaining: Mapped[int | None] = mapped_column(Integer)
    rate_limit_reset_at: Mapped[tstz]
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class WebhookEndpoint(TenantScoped, Base):
    """Where a distributor's systems want events POSTed."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[uuid_pk]
    name: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[jsonb_list]
    auth_type: Mapped[WebhookAuthType] = mapped_column(
        pg_enum(WebhookAuthType, "webhook_auth_type"), default=WebhookAuthType.HMAC_SHA256,
        server_default="HMAC_SHA256")
    auth_value: Mapped[str | None] = mapped_column(Text)  # encrypted token
    retry_attempts: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    retry_delay_seconds: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    timeout_seconds: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    last_triggered_at: Mapped[tstz]
    total_deliveries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    successful_deliveries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failed_deliveries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[created_ts]
    updated_at: Mapped[updated_ts]


class WebhookDelivery(TenantScoped, Base):
    """One attempt to deliver one event to one endpoint."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "scheduled_at",
              postgresql_where=text("status IN ('PENDING', 'RETRYING')")),
    )

    id: Mapped[uuid_pk]
    webhook_endpoint_id: Mapped[uuid.UUID] = fk("webhook_endpoints.id", nullable=False,
                                                ondelete="CASCADE")
    event_type: Mapped[str] = mapped_column(String(64))
    # added: one event id across retries, sent to the receiver so it can deduplicate
    event_id: Mapped[uuid.UUID] = mapped_column(index=True)
    event_data: Mapped[jsonb_dict]
    status: Mapped[DeliveryStatus] = mapped_column(pg_enum(DeliveryStatus, "delivery_status"),
                                                   default=DeliveryStatus.PENDING,
                                                   server_default="PENDING")
    attempt_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    scheduled_at: Mapped[tstz]
    attempted_at: Mapped[tstz]
    completed_at: Mapped[tstz]
    response_status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[jsonb_dict]
    error_message: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[tstz]
    created_at: Mapped[created_ts]
