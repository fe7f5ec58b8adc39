"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 21:08:29.127301
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db.models import Base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UPDATED_AT_FUNCTION = """
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""


def _tables_with_updated_at() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables if "updated_at" in t.c]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('distributors',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('business_name', sa.String(length=255), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=True),
    sa.Column('subdomain', sa.String(length=63), nullable=True),
    sa.Column('api_key_hash', sa.String(length=128), nullable=True),
    sa.Column('webhook_secret', sa.Text(), nullable=True),
    sa.Column('subscription_tier', sa.Enum('FREE', 'BASIC', 'PREMIUM', 'ENTERPRISE', name='subscription_tier'), server_default='FREE', nullable=False),
    sa.Column('subscription_status', sa.Enum('ACTIVE', 'SUSPENDED', 'CANCELLED', name='subscription_status'), server_default='ACTIVE', nullable=False),
    sa.Column('billing_email', sa.String(length=255), nullable=True),
    sa.Column('contact_name', sa.String(length=255), nullable=True),
    sa.Column('contact_email', sa.String(length=255), nullable=True),
    sa.Column('contact_phone', sa.String(length=50), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False),
    sa.Column('locale', sa.String(length=16), server_default='en', nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='USD', nullable=False),
    sa.Column('ai_enabled', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('ai_model_preference', sa.String(length=100), server_default='gpt-4', nullable=False),
    sa.Column('ai_confidence_threshold', sa.Numeric(precision=3, scale=2), server_default='0.80', nullable=False),
    sa.Column('monthly_ai_budget_usd', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('status', sa.Enum('ACTIVE', 'INACTIVE', 'PENDING_SETUP', name='distributor_status'), server_default='ACTIVE', nullable=False),
    sa.Column('onboarding_completed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('max_customers', sa.Integer(), nullable=True),
    sa.Column('max_monthly_messages', sa.Integer(), nullable=True),
    sa.Column('max_monthly_ai_requests', sa.Integer(), nullable=True),
    sa.Column('auto_close_timeout_minutes', sa.Integer(), server_default='120', nullable=False),
    sa.Column('data_retention_days', sa.Integer(), nullable=True),
    sa.Column('catalog_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributors')),
    sa.UniqueConstraint('api_key_hash', name=op.f('uq_distributors_api_key_hash')),
    sa.UniqueConstraint('slug', name=op.f('uq_distributors_slug')),
    sa.UniqueConstraint('subdomain', name=op.f('uq_distributors_subdomain'))
    )
    op.create_table('ai_usage_metrics',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requests_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('tokens_used', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cost_usd', sa.Numeric(precision=12, scale=6), server_default='0', nullable=False),
    sa.Column('avg_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('successful_requests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('failed_requests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('avg_response_time', sa.Integer(), nullable=True),
    sa.Column('peak_concurrent_requests', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_ai_usage_metrics_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_usage_metrics')),
    sa.UniqueConstraint('distributor_id', 'period_start', name=op.f('uq_ai_usage_metrics_distributor_id_period_start'))
    )
    op.create_index(op.f('ix_ai_usage_metrics_distributor_id'), 'ai_usage_metrics', ['distributor_id'], unique=False)
    op.create_table('customer_labels',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('color', sa.String(length=7), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('is_predefined', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_customer_labels_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_labels')),
    sa.UniqueConstraint('distributor_id', 'name', name=op.f('uq_customer_labels_distributor_id_name'))
    )
    op.create_index(op.f('ix_customer_labels_distributor_id'), 'customer_labels', ['distributor_id'], unique=False)
    op.create_table('customers',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('business_name', sa.String(length=255), nullable=True),
    sa.Column('contact_person_name', sa.String(length=255), nullable=True),
    sa.Column('customer_code', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('avatar_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('ORDERING', 'AT_RISK', 'STOPPED_ORDERING', 'NO_ORDERS_YET', name='customer_status'), server_default='NO_ORDERS_YET', nullable=False),
    sa.Column('invitation_status', sa.Enum('ACTIVE', 'PENDING', name='customer_invitation_status'), server_default='PENDING', nullable=False),
    sa.Column('joined_date', sa.Date(), nullable=True),
    sa.Column('last_ordered_date', sa.Date(), nullable=True),
    sa.Column('expected_order_date', sa.Date(), nullable=True),
    sa.Column('total_orders', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total_spent', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('sms_opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('whatsapp_opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opt_out_method', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_customers_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('distributor_id', 'customer_code', name=op.f('uq_customers_distributor_id_customer_code')),
    sa.UniqueConstraint('distributor_id', 'email', name=op.f('uq_customers_distributor_id_email')),
    sa.UniqueConstraint('distributor_id', 'phone', name=op.f('uq_customers_distributor_id_phone'))
    )
    op.create_index(op.f('ix_customers_distributor_id'), 'customers', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_customers_distributor_id_status'), 'customers', ['distributor_id', 'status'], unique=False)
    op.create_table('encryption_keys',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('algorithm', sa.String(length=32), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('master_key_id', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_encryption_keys_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_encryption_keys')),
    sa.UniqueConstraint('distributor_id', 'version', name=op.f('uq_encryption_keys_distributor_id_version'))
    )
    op.create_index(op.f('ix_encryption_keys_distributor_id'), 'encryption_keys', ['distributor_id'], unique=False)
    op.create_index('uq_encryption_keys_active', 'encryption_keys', ['distributor_id'], unique=True, postgresql_where=sa.text('active'))
    op.create_table('external_integrations',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('integration_type', sa.Enum('MESSAGING', 'ECOMMERCE', 'CRM', 'ANALYTICS', 'PAYMENT', 'SHIPPING', name='integration_type'), server_default='MESSAGING', nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('provider_version', sa.String(length=32), nullable=True),
    sa.Column('display_name', sa.String(length=255), nullable=True),
    sa.Column('config', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('credentials', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('route_key', sa.String(length=320), nullable=False),
    sa.Column('webhook_url', sa.Text(), nullable=True),
    sa.Column('webhook_secret', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('ACTIVE', 'INACTIVE', 'ERROR', 'PENDING_AUTH', name='integration_status'), server_default='ACTIVE', nullable=False),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sync_frequency_minutes', sa.Integer(), nullable=True),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error_message', sa.Text(), nullable=True),
    sa.Column('capabilities', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('rate_limit_remaining', sa.Integer(), nullable=True),
    sa.Column('rate_limit_reset_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_external_integrations_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_integrations')),
    sa.UniqueConstraint('provider', 'route_key', name=op.f('uq_external_integrations_provider_route_key'))
    )
    op.create_index('ix_external_integrations_config', 'external_integrations', ['config'], unique=False, postgresql_using='gin')
    op.create_index(op.f('ix_external_integrations_distributor_id'), 'external_integrations', ['distributor_id'], unique=False)
    op.create_table('product_bundles',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('aliases', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_product_bundles_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_bundles')),
    sa.UniqueConstraint('distributor_id', 'sku', name=op.f('uq_product_bundles_distributor_id_sku'))
    )
    op.create_index(op.f('ix_product_bundles_distributor_id'), 'product_bundles', ['distributor_id'], unique=False)
    op.create_table('product_categories',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('parent_category_id', sa.UUID(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('ai_keywords', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('sort_order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_product_categories_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_category_id'], ['product_categories.id'], name=op.f('fk_product_categories_parent_category_id_product_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_categories')),
    sa.UniqueConstraint('distributor_id', 'name', name=op.f('uq_product_categories_distributor_id_name'))
    )
    op.create_index(op.f('ix_product_categories_distributor_id'), 'product_categories', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_product_categories_parent_category_id'), 'product_categories', ['parent_category_id'], unique=False)
    op.create_table('user_profiles',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('avatar_url', sa.Text(), nullable=True),
    sa.Column('role', sa.Enum('OWNER', 'ADMIN', 'MANAGER', 'OPERATOR', name='user_role'), server_default='OPERATOR', nullable=False),
    sa.Column('permissions', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'INACTIVE', 'SUSPENDED', 'PENDING', name='user_status'), server_default='ACTIVE', nullable=False),
    sa.Column('email_verified', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sign_in_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('notification_preferences', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('onboarding_completed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('onboarding_step', sa.Integer(), nullable=True),
    sa.Column('require_password_change', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('two_factor_enabled', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_user_profiles_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_profiles'))
    )
    op.create_index(op.f('ix_user_profiles_distributor_id'), 'user_profiles', ['distributor_id'], unique=False)
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('events', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('auth_type', sa.Enum('NONE', 'API_KEY', 'BEARER_TOKEN', 'HMAC_SHA256', name='webhook_auth_type'), server_default='HMAC_SHA256', nullable=False),
    sa.Column('auth_value', sa.Text(), nullable=True),
    sa.Column('retry_attempts', sa.Integer(), server_default='5', nullable=False),
    sa.Column('retry_delay_seconds', sa.Integer(), server_default='30', nullable=False),
    sa.Column('timeout_seconds', sa.Integer(), server_default='10', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('last_triggered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('total_deliveries', sa.Integer(), server_default='0', nullable=False),
    sa.Column('successful_deliveries', sa.Integer(), server_default='0', nullable=False),
    sa.Column('failed_deliveries', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_webhook_endpoints_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    op.create_index(op.f('ix_webhook_endpoints_distributor_id'), 'webhook_endpoints', ['distributor_id'], unique=False)
    op.create_table('conversations',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('channel', sa.Enum('WHATSAPP', 'SMS', 'EMAIL', name='channel'), nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'ARCHIVED', name='conversation_status'), server_default='ACTIVE', nullable=False),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unread_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('ai_context_summary', sa.Text(), nullable=True),
    sa.Column('ai_last_processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_customer_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handoff_active', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('handoff_reason', sa.Text(), nullable=True),
    sa.Column('handoff_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel_address', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('message_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_conversations_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_conversations_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('distributor_id', 'customer_id', 'channel', name=op.f('uq_conversations_distributor_id_customer_id_channel'))
    )
    op.create_index(op.f('ix_conversations_customer_id'), 'conversations', ['customer_id'], unique=False)
    op.create_index(op.f('ix_conversations_distributor_id'), 'conversations', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_conversations_distributor_id_last_message_at'), 'conversations', ['distributor_id', 'last_message_at'], unique=False)
    op.create_table('customer_label_assignments',
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('label_id', sa.UUID(), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_label_assignments_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_customer_label_assignments_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['label_id'], ['customer_labels.id'], name=op.f('fk_customer_label_assignments_label_id_customer_labels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'label_id', name=op.f('pk_customer_label_assignments'))
    )
    op.create_index(op.f('ix_customer_label_assignments_customer_id'), 'customer_label_assignments', ['customer_id'], unique=False)
    op.create_index(op.f('ix_customer_label_assignments_distributor_id'), 'customer_label_assignments', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_customer_label_assignments_label_id'), 'customer_label_assignments', ['label_id'], unique=False)
    op.create_table('data_access_audit',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('table_name', sa.String(length=64), nullable=False),
    sa.Column('operation', sa.Enum('SELECT', 'INSERT', 'UPDATE', 'DELETE', name='audit_operation'), nullable=False),
    sa.Column('user_id', sa.UUID(), nullable=True),
    sa.Column('distributor_id', sa.UUID(), nullable=True),
    sa.Column('attempted_record_id', sa.String(length=64), nullable=True),
    sa.Column('ip_address', postgresql.INET(), nullable=True),
    sa.Column('user_agent', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=True),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_data_access_audit_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_profiles.id'], name=op.f('fk_data_access_audit_user_id_user_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_access_audit'))
    )
    op.create_index(op.f('ix_data_access_audit_distributor_id'), 'data_access_audit', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_data_access_audit_distributor_id_created_at'), 'data_access_audit', ['distributor_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_data_access_audit_user_id'), 'data_access_audit', ['user_id'], unique=False)
    op.create_table('products',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=255), nullable=True),
    sa.Column('category_id', sa.UUID(), nullable=True),
    sa.Column('unit', sa.String(length=32), server_default='each', nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('brand', sa.String(length=255), nullable=True),
    sa.Column('model', sa.String(length=255), nullable=True),
    sa.Column('size_variants', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('seasonal', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('minimum_order_quantity', sa.Integer(), nullable=True),
    sa.Column('maximum_order_quantity', sa.Integer(), nullable=True),
    sa.Column('lead_time_days', sa.Integer(), nullable=True),
    sa.Column('aliases', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('keywords', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('ai_training_examples', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('common_misspellings', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('seasonal_patterns', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('in_stock', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('stock_quantity', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['product_categories.id'], name=op.f('fk_products_category_id_product_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_products_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('distributor_id', 'sku', name=op.f('uq_products_distributor_id_sku'))
    )
    op.create_index('ix_products_aliases', 'products', ['aliases'], unique=False, postgresql_using='gin')
    op.create_index(op.f('ix_products_category_id'), 'products', ['category_id'], unique=False)
    op.create_index(op.f('ix_products_distributor_id'), 'products', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_products_distributor_id_active'), 'products', ['distributor_id', 'active'], unique=False)
    op.create_index('ix_products_keywords', 'products', ['keywords'], unique=False, postgresql_using='gin')
    op.create_index('ix_products_name_trgm', 'products', ['name'], unique=False, postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})
    op.create_table('user_invitations',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('OWNER', 'ADMIN', 'MANAGER', 'OPERATOR', name='user_role'), nullable=False),
    sa.Column('permissions', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('invited_by', sa.UUID(), nullable=True),
    sa.Column('invitation_token', sa.String(length=128), nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'ACCEPTED', 'EXPIRED', 'REVOKED', name='invitation_status'), server_default='PENDING', nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.UUID(), nullable=True),
    sa.Column('personal_message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_user_invitations_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by'], ['user_profiles.id'], name=op.f('fk_user_invitations_invited_by_user_profiles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by'], ['user_profiles.id'], name=op.f('fk_user_invitations_revoked_by_user_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_invitations')),
    sa.UniqueConstraint('invitation_token', name=op.f('uq_user_invitations_invitation_token'))
    )
    op.create_index(op.f('ix_user_invitations_distributor_id'), 'user_invitations', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_user_invitations_invited_by'), 'user_invitations', ['invited_by'], unique=False)
    op.create_index(op.f('ix_user_invitations_revoked_by'), 'user_invitations', ['revoked_by'], unique=False)
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('webhook_endpoint_id', sa.UUID(), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('event_data', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('status', sa.Enum('PENDING', 'SUCCESS', 'FAILED', 'RETRYING', name='delivery_status'), server_default='PENDING', nullable=False),
    sa.Column('attempt_number', sa.Integer(), server_default='1', nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('response_headers', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('retry_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_webhook_deliveries_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webhook_endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_webhook_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries'))
    )
    op.create_index(op.f('ix_webhook_deliveries_distributor_id'), 'webhook_deliveries', ['distributor_id'], unique=False)
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['scheduled_at'], unique=False, postgresql_where=sa.text("status IN ('PENDING', 'RETRYING')"))
    op.create_index(op.f('ix_webhook_deliveries_event_id'), 'webhook_deliveries', ['event_id'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_webhook_endpoint_id'), 'webhook_deliveries', ['webhook_endpoint_id'], unique=False)
    op.create_table('conversation_order_sessions',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('conversation_id', sa.UUID(), nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'COLLECTING', 'REVIEWING', 'CLOSED', name='session_status'), server_default='ACTIVE', nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('collecting_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('CONFIRMED', 'CANCELLED', 'TIMEOUT', 'ABANDONED', name='session_outcome'), nullable=True),
    sa.Column('outcome_reason', sa.Text(), nullable=True),
    sa.Column('consolidated_order_id', sa.UUID(), nullable=True),
    sa.Column('session_metadata', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('ai_confidence_avg', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('ai_interactions_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('auto_close_timeout_minutes', sa.Integer(), server_default='120', nullable=False),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['consolidated_order_id'], ['orders.id'], name=op.f('fk_conversation_order_sessions_consolidated_order_id_orders'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_order_sessions_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_conversation_order_sessions_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_order_sessions'))
    )
    op.create_index(op.f('ix_conversation_order_sessions_consolidated_order_id'), 'conversation_order_sessions', ['consolidated_order_id'], unique=False)
    op.create_index(op.f('ix_conversation_order_sessions_conversation_id'), 'conversation_order_sessions', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_conversation_order_sessions_distributor_id'), 'conversation_order_sessions', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_conversation_order_sessions_distributor_id_status'), 'conversation_order_sessions', ['distributor_id', 'status'], unique=False)
    op.create_index('uq_sessions_open_per_conversation', 'conversation_order_sessions', ['conversation_id'], unique=True, postgresql_where=sa.text("status <> 'CLOSED'"))
    op.create_table('messages',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('conversation_id', sa.UUID(), nullable=False),
    sa.Column('content', sa.Text(), server_default='', nullable=False),
    sa.Column('is_from_customer', sa.Boolean(), nullable=False),
    sa.Column('message_type', sa.Enum('TEXT', 'IMAGE', 'AUDIO', 'FILE', 'ORDER_CONTEXT', name='message_type'), server_default='TEXT', nullable=False),
    sa.Column('status', sa.Enum('RECEIVED', 'QUEUED', 'SENT', 'DELIVERED', 'READ', 'FAILED', name='message_status'), server_default='RECEIVED', nullable=False),
    sa.Column('attachments', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('ai_processed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('ai_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('ai_extracted_intent', sa.String(length=32), nullable=True),
    sa.Column('ai_extracted_products', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('ai_suggested_responses', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('order_context_id', sa.Uuid(), nullable=True),
    sa.Column('order_session_id', sa.UUID(), nullable=True),
    sa.Column('thread_position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reply_to_message_id', sa.UUID(), nullable=True),
    sa.Column('external_message_id', sa.String(length=255), nullable=True),
    sa.Column('external_metadata', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('sent_by', sa.String(length=64), nullable=True),
    sa.Column('send_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('ai_processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_messages_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_session_id'], ['conversation_order_sessions.id'], name=op.f('fk_messages_order_session_id_conversation_order_sessions'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['reply_to_message_id'], ['messages.id'], name=op.f('fk_messages_reply_to_message_id_messages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    op.create_index('ix_messages_ai_extracted_products', 'messages', ['ai_extracted_products'], unique=False, postgresql_using='gin')
    op.create_index(op.f('ix_messages_conversation_id'), 'messages', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_messages_conversation_id_thread_position'), 'messages', ['conversation_id', 'thread_position'], unique=False)
    op.create_index(op.f('ix_messages_distributor_id'), 'messages', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_messages_distributor_id_created_at'), 'messages', ['distributor_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_messages_order_context_id'), 'messages', ['order_context_id'], unique=False)
    op.create_index(op.f('ix_messages_order_session_id'), 'messages', ['order_session_id'], unique=False)
    op.create_index('ix_messages_outbox', 'messages', ['next_attempt_at'], unique=False, postgresql_where=sa.text("NOT is_from_customer AND status = 'QUEUED'"))
    op.create_index(op.f('ix_messages_reply_to_message_id'), 'messages', ['reply_to_message_id'], unique=False)
    op.create_index('ix_messages_unprocessed', 'messages', ['conversation_id', 'created_at'], unique=False, postgresql_where=sa.text('is_from_customer AND NOT ai_processed'))
    op.create_table('product_variants',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('product_id', sa.UUID(), nullable=False),
    sa.Column('variant_name', sa.String(length=255), nullable=False),
    sa.Column('variant_type', sa.Enum('SIZE', 'COLOR', 'VOLUME', 'WEIGHT', 'FLAVOR', 'STYLE', name='variant_type'), server_default='SIZE', nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('price_difference', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('stock_quantity', sa.Integer(), nullable=True),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=True),
    sa.Column('ai_aliases', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('sort_order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_product_variants_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_variants_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_variants')),
    sa.UniqueConstraint('distributor_id', 'sku', name=op.f('uq_product_variants_distributor_id_sku'))
    )
    op.create_index(op.f('ix_product_variants_distributor_id'), 'product_variants', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_product_variants_product_id'), 'product_variants', ['product_id'], unique=False)
    op.create_table('ai_errors',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('agent_type', sa.Enum('ORDER_PROCESSING', 'CUSTOMER_SUPPORT', 'MESSAGE_ANALYSIS', 'CONTEXT_MANAGER', 'PRODUCT_MATCHING', 'REPLY_SUGGESTION', name='agent_type'), nullable=False),
    sa.Column('provider', sa.String(length=64), nullable=True),
    sa.Column('model', sa.String(length=100), nullable=True),
    sa.Column('error_type', sa.String(length=100), nullable=False),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('retry_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('request_excerpt', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_ai_errors_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_ai_errors_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_errors'))
    )
    op.create_index(op.f('ix_ai_errors_distributor_id'), 'ai_errors', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_ai_errors_distributor_id_created_at'), 'ai_errors', ['distributor_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_ai_errors_message_id'), 'ai_errors', ['message_id'], unique=False)
    op.create_table('ai_responses',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('agent_type', sa.Enum('ORDER_PROCESSING', 'CUSTOMER_SUPPORT', 'MESSAGE_ANALYSIS', 'CONTEXT_MANAGER', 'PRODUCT_MATCHING', 'REPLY_SUGGESTION', name='agent_type'), nullable=False),
    sa.Column('agent_version', sa.String(length=32), nullable=True),
    sa.Column('response_content', sa.Text(), nullable=True),
    sa.Column('confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('processing_time', sa.Integer(), nullable=True),
    sa.Column('extracted_data', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('tokens_used', sa.Integer(), server_default='0', nullable=False),
    sa.Column('model_used', sa.String(length=100), nullable=True),
    sa.Column('prompt_version', sa.String(length=100), nullable=True),
    sa.Column('cost_usd', sa.Numeric(precision=12, scale=6), server_default='0', nullable=False),
    sa.Column('human_feedback', sa.Enum('HELPFUL', 'PARTIALLY_HELPFUL', 'NOT_HELPFUL', name='human_feedback'), nullable=True),
    sa.Column('human_feedback_notes', sa.Text(), nullable=True),
    sa.Column('was_used', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_ai_responses_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_ai_responses_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_responses'))
    )
    op.create_index(op.f('ix_ai_responses_distributor_id'), 'ai_responses', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_ai_responses_distributor_id_created_at'), 'ai_responses', ['distributor_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_ai_responses_message_id'), 'ai_responses', ['message_id'], unique=False)
    op.create_table('external_message_mappings',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=False),
    sa.Column('integration_id', sa.UUID(), nullable=True),
    sa.Column('raw_metadata', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_external_message_mappings_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['integration_id'], ['external_integrations.id'], name=op.f('fk_external_message_mappings_integration_id_external_integrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_external_message_mappings_message_id_messages'), ondelete='CASCADE', initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_message_mappings')),
    sa.UniqueConstraint('distributor_id', 'provider', 'external_id', name=op.f('uq_external_message_mappings_distributor_id_provider_external_id'))
    )
    op.create_index(op.f('ix_external_message_mappings_distributor_id'), 'external_message_mappings', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_external_message_mappings_integration_id'), 'external_message_mappings', ['integration_id'], unique=False)
    op.create_index(op.f('ix_external_message_mappings_message_id'), 'external_message_mappings', ['message_id'], unique=False)
    op.create_table('order_session_events',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('order_session_id', sa.UUID(), nullable=False),
    sa.Column('event_type', sa.Enum('SESSION_STARTED', 'SESSION_CLOSED', 'STATUS_CHANGED', 'ITEM_ADDED', 'ITEM_REMOVED', 'ITEM_MODIFIED', 'REVIEW_REQUESTED', 'ORDER_CONFIRMED', 'ORDER_CANCELLED', 'REMINDER_SENT', 'TIMEOUT_WARNING', 'AI_PROCESSING', 'HANDOFF_STARTED', 'HANDOFF_ENDED', name='session_event_type'), nullable=False),
    sa.Column('event_data', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('triggered_by', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_order_session_events_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_order_session_events_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_session_id'], ['conversation_order_sessions.id'], name=op.f('fk_order_session_events_order_session_id_conversation_order_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_session_events'))
    )
    op.create_index(op.f('ix_order_session_events_distributor_id'), 'order_session_events', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_order_session_events_message_id'), 'order_session_events', ['message_id'], unique=False)
    op.create_index(op.f('ix_order_session_events_order_session_id'), 'order_session_events', ['order_session_id'], unique=False)
    op.create_index(op.f('ix_order_session_events_order_session_id_created_at'), 'order_session_events', ['order_session_id', 'created_at'], unique=False)
    op.create_table('order_session_items',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('order_session_id', sa.UUID(), nullable=False),
    sa.Column('product_id', sa.UUID(), nullable=True),
    sa.Column('variant_id', sa.UUID(), nullable=True),
    sa.Column('product_name', sa.String(length=500), nullable=False),
    sa.Column('product_code', sa.String(length=100), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('source_message_id', sa.UUID(), nullable=True),
    sa.Column('ai_extracted', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('ai_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'CONFIRMED', 'REMOVED', name='session_item_status'), server_default='PENDING', nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('item_metadata', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_order_session_items_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_session_id'], ['conversation_order_sessions.id'], name=op.f('fk_order_session_items_order_session_id_conversation_order_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_order_session_items_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_message_id'], ['messages.id'], name=op.f('fk_order_session_items_source_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['variant_id'], ['product_variants.id'], name=op.f('fk_order_session_items_variant_id_product_variants'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_session_items'))
    )
    op.create_index(op.f('ix_order_session_items_distributor_id'), 'order_session_items', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_order_session_items_order_session_id'), 'order_session_items', ['order_session_id'], unique=False)
    op.create_index(op.f('ix_order_session_items_order_session_id_status'), 'order_session_items', ['order_session_id', 'status'], unique=False)
    op.create_index(op.f('ix_order_session_items_product_id'), 'order_session_items', ['product_id'], unique=False)
    op.create_index(op.f('ix_order_session_items_source_message_id'), 'order_session_items', ['source_message_id'], unique=False)
    op.create_index(op.f('ix_order_session_items_variant_id'), 'order_session_items', ['variant_id'], unique=False)
    op.create_table('orders',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('customer_id', sa.UUID(), nullable=False),
    sa.Column('conversation_id', sa.UUID(), nullable=True),
    sa.Column('channel', sa.Enum('WHATSAPP', 'SMS', 'EMAIL', name='channel'), nullable=True),
    sa.Column('status', sa.Enum('CONFIRMED', 'PENDING', 'REVIEW', name='order_status'), server_default='PENDING', nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('received_time', sa.Time(timezone=True), nullable=True),
    sa.Column('delivery_date', sa.Date(), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('delivery_address', sa.Text(), nullable=True),
    sa.Column('total_amount', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False),
    sa.Column('additional_comment', sa.Text(), nullable=True),
    sa.Column('whatsapp_message', sa.Text(), nullable=True),
    sa.Column('ai_generated', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('ai_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('ai_source_message_id', sa.UUID(), nullable=True),
    sa.Column('order_session_id', sa.UUID(), nullable=True),
    sa.Column('is_consolidated', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('requires_review', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('reviewed_by', sa.UUID(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('external_order_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['ai_source_message_id'], ['messages.id'], name=op.f('fk_orders_ai_source_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_orders_conversation_id_conversations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_orders_customer_id_customers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_orders_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_session_id'], ['conversation_order_sessions.id'], name=op.f('fk_orders_order_session_id_conversation_order_sessions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user_profiles.id'], name=op.f('fk_orders_reviewed_by_user_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    op.create_index(op.f('ix_orders_ai_source_message_id'), 'orders', ['ai_source_message_id'], unique=False)
    op.create_index(op.f('ix_orders_conversation_id'), 'orders', ['conversation_id'], unique=False)
    op.create_index(op.f('ix_orders_customer_id'), 'orders', ['customer_id'], unique=False)
    op.create_index(op.f('ix_orders_distributor_id'), 'orders', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_orders_distributor_id_status_created_at'), 'orders', ['distributor_id', 'status', 'created_at'], unique=False)
    op.create_index(op.f('ix_orders_order_session_id'), 'orders', ['order_session_id'], unique=False)
    op.create_index('ix_orders_review', 'orders', ['distributor_id', 'created_at'], unique=False, postgresql_where=sa.text('requires_review'))
    op.create_index(op.f('ix_orders_reviewed_by'), 'orders', ['reviewed_by'], unique=False)
    op.create_table('pii_detection_results',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('field_name', sa.String(length=64), nullable=False),
    sa.Column('pii_type', sa.Enum('EMAIL', 'PHONE', 'ADDRESS', 'SSN', 'CREDIT_CARD', 'NAME', 'DATE_OF_BIRTH', 'IBAN', 'IP_ADDRESS', name='pii_type'), nullable=False),
    sa.Column('detected_value', sa.Text(), nullable=False),
    sa.Column('confidence_score', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('detection_rule_id', sa.String(length=100), nullable=True),
    sa.Column('start_offset', sa.Integer(), nullable=True),
    sa.Column('end_offset', sa.Integer(), nullable=True),
    sa.Column('reviewed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('is_false_positive', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('reviewed_by', sa.UUID(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_taken', sa.Enum('REDACTED', 'ENCRYPTED', 'FLAGGED', name='pii_action'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_pii_detection_results_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_pii_detection_results_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user_profiles.id'], name=op.f('fk_pii_detection_results_reviewed_by_user_profiles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pii_detection_results'))
    )
    op.create_index(op.f('ix_pii_detection_results_distributor_id'), 'pii_detection_results', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_pii_detection_results_distributor_id_created_at'), 'pii_detection_results', ['distributor_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_pii_detection_results_message_id'), 'pii_detection_results', ['message_id'], unique=False)
    op.create_index(op.f('ix_pii_detection_results_reviewed_by'), 'pii_detection_results', ['reviewed_by'], unique=False)
    op.create_table('product_bundle_items',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('bundle_id', sa.UUID(), nullable=False),
    sa.Column('product_id', sa.UUID(), nullable=False),
    sa.Column('variant_id', sa.UUID(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['bundle_id'], ['product_bundles.id'], name=op.f('fk_product_bundle_items_bundle_id_product_bundles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_product_bundle_items_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_bundle_items_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['variant_id'], ['product_variants.id'], name=op.f('fk_product_bundle_items_variant_id_product_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_bundle_items'))
    )
    op.create_index(op.f('ix_product_bundle_items_bundle_id'), 'product_bundle_items', ['bundle_id'], unique=False)
    op.create_index(op.f('ix_product_bundle_items_distributor_id'), 'product_bundle_items', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_product_bundle_items_product_id'), 'product_bundle_items', ['product_id'], unique=False)
    op.create_index(op.f('ix_product_bundle_items_variant_id'), 'product_bundle_items', ['variant_id'], unique=False)
    op.create_table('ai_training_data',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('ai_response_id', sa.UUID(), nullable=True),
    sa.Column('input_text', sa.Text(), nullable=False),
    sa.Column('input_context', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('expected_output', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('expected_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('actual_output', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='{}', nullable=False),
    sa.Column('actual_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('data_source', sa.Enum('MANUAL_ENTRY', 'CORRECTED_AI_OUTPUT', 'EXPERT_REVIEW', name='training_data_source'), nullable=False),
    sa.Column('quality_score', sa.Integer(), nullable=True),
    sa.Column('used_in_training', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('training_batch', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['ai_response_id'], ['ai_responses.id'], name=op.f('fk_ai_training_data_ai_response_id_ai_responses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_ai_training_data_distributor_id_distributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ai_training_data'))
    )
    op.create_index(op.f('ix_ai_training_data_ai_response_id'), 'ai_training_data', ['ai_response_id'], unique=False)
    op.create_index(op.f('ix_ai_training_data_distributor_id'), 'ai_training_data', ['distributor_id'], unique=False)
    op.create_table('order_attachments',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('order_id', sa.UUID(), nullable=True),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('content_type', sa.String(length=255), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('provider_url', sa.Text(), nullable=True),
    sa.Column('storage_key', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_order_attachments_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_order_attachments_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_attachments_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_attachments'))
    )
    op.create_index(op.f('ix_order_attachments_distributor_id'), 'order_attachments', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_order_attachments_message_id'), 'order_attachments', ['message_id'], unique=False)
    op.create_index(op.f('ix_order_attachments_order_id'), 'order_attachments', ['order_id'], unique=False)
    op.create_table('order_products',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('order_id', sa.UUID(), nullable=False),
    sa.Column('product_name', sa.String(length=500), nullable=False),
    sa.Column('product_unit', sa.String(length=32), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('line_price', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('ai_extracted', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('ai_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('ai_original_text', sa.Text(), nullable=True),
    sa.Column('suggested_product_id', sa.UUID(), nullable=True),
    sa.Column('manual_override', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('line_order', sa.Integer(), server_default='0', nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('matched_product_id', sa.UUID(), nullable=True),
    sa.Column('matched_variant_id', sa.UUID(), nullable=True),
    sa.Column('sku', sa.String(length=100), nullable=True),
    sa.Column('matching_confidence', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('matching_method', sa.Enum('EXACT_MATCH', 'FUZZY_MATCH', 'AI_MATCH', 'MANUAL_OVERRIDE', name='matching_method'), nullable=True),
    sa.Column('matching_score', sa.Numeric(precision=5, scale=4), nullable=True),
    sa.Column('alternative_matches', postgresql.JSONB(astext_type=sa.Text()).with_variant(sa.JSON(), 'sqlite'), server_default='[]', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('distributor_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_order_products_distributor_id_distributors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matched_product_id'], ['products.id'], name=op.f('fk_order_products_matched_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['matched_variant_id'], ['product_variants.id'], name=op.f('fk_order_products_matched_variant_id_product_variants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_products_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggested_product_id'], ['products.id'], name=op.f('fk_order_products_suggested_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_products'))
    )
    op.create_index(op.f('ix_order_products_distributor_id'), 'order_products', ['distributor_id'], unique=False)
    op.create_index(op.f('ix_order_products_matched_product_id'), 'order_products', ['matched_product_id'], unique=False)
    op.create_index(op.f('ix_order_products_matched_variant_id'), 'order_products', ['matched_variant_id'], unique=False)
    op.create_index(op.f('ix_order_products_order_id'), 'order_products', ['order_id'], unique=False)
    op.create_index(op.f('ix_order_products_order_id_line_order'), 'order_products', ['order_id', 'line_order'], unique=False)
    op.create_index(op.f('ix_order_products_suggested_product_id'), 'order_products', ['suggested_product_id'], unique=False)
    # the two foreign keys of the messages -> sessions -> orders cycle, added once all exist
    op.create_foreign_key(
        op.f('fk_conversation_order_sessions_consolidated_order_id_orders'),
        'conversation_order_sessions', 'orders', ['consolidated_order_id'], ['id'],
        ondelete='SET NULL')
    op.create_foreign_key(
        op.f('fk_messages_order_session_id_conversation_order_sessions'),
        'messages', 'conversation_order_sessions', ['order_session_id'], ['id'],
        ondelete='SET NULL')
    # every table with updated_at keeps it current, also under raw SQL updates
    op.execute(UPDATED_AT_FUNCTION)
    for table in _tables_with_updated_at():
        op.execute(f"CREATE TRIGGER trg_{table}_updated_at BEFORE UPDATE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION set_updated_at()")


def downgrade() -> None:
    op.drop_index(op.f('ix_order_products_suggested_product_id'), table_name='order_products')
    op.drop_index(op.f('ix_order_products_order_id_line_order'), table_name='order_products')
    op.drop_index(op.f('ix_order_products_order_id'), table_name='order_products')
    op.drop_index(op.f('ix_order_products_matched_variant_id'), table_name='order_products')
    op.drop_index(op.f('ix_order_products_matched_product_id'), table_name='order_products')
    op.drop_index(op.f('ix_order_products_distributor_id'), table_name='order_products')
    op.drop_table('order_products')
    op.drop_index(op.f('ix_order_attachments_order_id'), table_name='order_attachments')
    op.drop_index(op.f('ix_order_attachments_message_id'), table_name='order_attachments')
    op.drop_index(op.f('ix_order_attachments_distributor_id'), table_name='order_attachments')
    op.drop_table('order_attachments')
    op.drop_index(op.f('ix_ai_training_data_distributor_id'), table_name='ai_training_data')
    op.drop_index(op.f('ix_ai_training_data_ai_response_id'), table_name='ai_training_data')
    op.drop_table('ai_training_data')
    op.drop_index(op.f('ix_product_bundle_items_variant_id'), table_name='product_bundle_items')
    op.drop_index(op.f('ix_product_bundle_items_product_id'), table_name='product_bundle_items')
    op.drop_index(op.f('ix_product_bundle_items_distributor_id'), table_name='product_bundle_items')
    op.drop_index(op.f('ix_product_bundle_items_bundle_id'), table_name='product_bundle_items')
    op.drop_table('product_bundle_items')
    op.drop_index(op.f('ix_pii_detection_results_reviewed_by'), table_name='pii_detection_results')
    op.drop_index(op.f('ix_pii_detection_results_message_id'), table_name='pii_detection_results')
    op.drop_index(op.f('ix_pii_detection_results_distributor_id_created_at'), table_name='pii_detection_results')
    op.drop_index(op.f('ix_pii_detection_results_distributor_id'), table_name='pii_detection_results')
    op.drop_table('pii_detection_results')
    op.drop_index(op.f('ix_orders_reviewed_by'), table_name='orders')
    op.drop_index('ix_orders_review', table_name='orders', postgresql_where=sa.text('requires_review'))
    op.drop_index(op.f('ix_orders_order_session_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_distributor_id_status_created_at'), table_name='orders')
    op.drop_index(op.f('ix_orders_distributor_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_customer_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_conversation_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_ai_source_message_id'), table_name='orders')
    op.drop_table('orders')
    op.drop_index(op.f('ix_order_session_items_variant_id'), table_name='order_session_items')
    op.drop_index(op.f('ix_order_session_items_source_message_id'), table_name='order_session_items')
    op.drop_index(op.f('ix_order_session_items_product_id'), table_name='order_session_items')
    op.drop_index(op.f('ix_order_session_items_order_session_id_status'), table_name='order_session_items')
    op.drop_index(op.f('ix_order_session_items_order_session_id'), table_name='order_session_items')
    op.drop_index(op.f('ix_order_session_items_distributor_id'), table_name='order_session_items')
    op.drop_table('order_session_items')
    op.drop_index(op.f('ix_order_session_events_order_session_id_created_at'), table_name='order_session_events')
    op.drop_index(op.f('ix_order_session_events_order_session_id'), table_name='order_session_events')
    op.drop_index(op.f('ix_order_session_events_message_id'), table_name='order_session_events')
    op.drop_index(op.f('ix_order_session_events_distributor_id'), table_name='order_session_events')
    op.drop_table('order_session_events')
    op.drop_index(op.f('ix_external_message_mappings_message_id'), table_name='external_message_mappings')
    op.drop_index(op.f('ix_external_message_mappings_integration_id'), table_name='external_message_mappings')
    op.drop_index(op.f('ix_external_message_mappings_distributor_id'), table_name='external_message_mappings')
    op.drop_table('external_message_mappings')
    op.drop_index(op.f('ix_ai_responses_message_id'), table_name='ai_responses')
    op.drop_index(op.f('ix_ai_responses_distributor_id_created_at'), table_name='ai_responses')
    op.drop_index(op.f('ix_ai_responses_distributor_id'), table_name='ai_responses')
    op.drop_table('ai_responses')
    op.drop_index(op.f('ix_ai_errors_message_id'), table_name='ai_errors')
    op.drop_index(op.f('ix_ai_errors_distributor_id_created_at'), table_name='ai_errors')
    op.drop_index(op.f('ix_ai_errors_distributor_id'), table_name='ai_errors')
    op.drop_table('ai_errors')
    op.drop_index(op.f('ix_product_variants_product_id'), table_name='product_variants')
    op.drop_index(op.f('ix_product_variants_distributor_id'), table_name='product_variants')
    op.drop_table('product_variants')
    op.drop_index('ix_messages_unprocessed', table_name='messages', postgresql_where=sa.text('is_from_customer AND NOT ai_processed'))
    op.drop_index(op.f('ix_messages_reply_to_message_id'), table_name='messages')
    op.drop_index('ix_messages_outbox', table_name='messages', postgresql_where=sa.text("NOT is_from_customer AND status = 'QUEUED'"))
    op.drop_index(op.f('ix_messages_order_session_id'), table_name='messages')
    op.drop_index(op.f('ix_messages_order_context_id'), table_name='messages')
    op.drop_index(op.f('ix_messages_distributor_id_created_at'), table_name='messages')
    op.drop_index(op.f('ix_messages_distributor_id'), table_name='messages')
    op.drop_index(op.f('ix_messages_conversation_id_thread_position'), table_name='messages')
    op.drop_index(op.f('ix_messages_conversation_id'), table_name='messages')
    op.drop_index('ix_messages_ai_extracted_products', table_name='messages', postgresql_using='gin')
    op.drop_table('messages')
    op.drop_index('uq_sessions_open_per_conversation', table_name='conversation_order_sessions', postgresql_where=sa.text("status <> 'CLOSED'"))
    op.drop_index(op.f('ix_conversation_order_sessions_distributor_id_status'), table_name='conversation_order_sessions')
    op.drop_index(op.f('ix_conversation_order_sessions_distributor_id'), table_name='conversation_order_sessions')
    op.drop_index(op.f('ix_conversation_order_sessions_conversation_id'), table_name='conversation_order_sessions')
    op.drop_index(op.f('ix_conversation_order_sessions_consolidated_order_id'), table_name='conversation_order_sessions')
    op.drop_table('conversation_order_sessions')
    op.drop_index(op.f('ix_webhook_deliveries_webhook_endpoint_id'), table_name='webhook_deliveries')
    op.drop_index(op.f('ix_webhook_deliveries_event_id'), table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries', postgresql_where=sa.text("status IN ('PENDING', 'RETRYING')"))
    op.drop_index(op.f('ix_webhook_deliveries_distributor_id'), table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_user_invitations_revoked_by'), table_name='user_invitations')
    op.drop_index(op.f('ix_user_invitations_invited_by'), table_name='user_invitations')
    op.drop_index(op.f('ix_user_invitations_distributor_id'), table_name='user_invitations')
    op.drop_table('user_invitations')
    op.drop_index('ix_products_name_trgm', table_name='products', postgresql_using='gin', postgresql_ops={'name': 'gin_trgm_ops'})
    op.drop_index('ix_products_keywords', table_name='products', postgresql_using='gin')
    op.drop_index(op.f('ix_products_distributor_id_active'), table_name='products')
    op.drop_index(op.f('ix_products_distributor_id'), table_name='products')
    op.drop_index(op.f('ix_products_category_id'), table_name='products')
    op.drop_index('ix_products_aliases', table_name='products', postgresql_using='gin')
    op.drop_table('products')
    op.drop_index(op.f('ix_data_access_audit_user_id'), table_name='data_access_audit')
    op.drop_index(op.f('ix_data_access_audit_distributor_id_created_at'), table_name='data_access_audit')
    op.drop_index(op.f('ix_data_access_audit_distributor_id'), table_name='data_access_audit')
    op.drop_table('data_access_audit')
    op.drop_index(op.f('ix_customer_label_assignments_label_id'), table_name='customer_label_assignments')
    op.drop_index(op.f('ix_customer_label_assignments_distributor_id'), table_name='customer_label_assignments')
    op.drop_index(op.f('ix_customer_label_assignments_customer_id'), table_name='customer_label_assignments')
    op.drop_table('customer_label_assignments')
    op.drop_index(op.f('ix_conversations_distributor_id_last_message_at'), table_name='conversations')
    op.drop_index(op.f('ix_conversations_distributor_id'), table_name='conversations')
    op.drop_index(op.f('ix_conversations_customer_id'), table_name='conversations')
    op.drop_table('conversations')
    op.drop_index(op.f('ix_webhook_endpoints_distributor_id'), table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')
    op.drop_index(op.f('ix_user_profiles_distributor_id'), table_name='user_profiles')
    op.drop_table('user_profiles')
    op.drop_index(op.f('ix_product_categories_parent_category_id'), table_name='product_categories')
    op.drop_index(op.f('ix_product_categories_distributor_id'), table_name='product_categories')
    op.drop_table('product_categories')
    op.drop_index(op.f('ix_product_bundles_distributor_id'), table_name='product_bundles')
    op.drop_table('product_bundles')
    op.drop_index(op.f('ix_external_integrations_distributor_id'), table_name='external_integrations')
    op.drop_index('ix_external_integrations_config', table_name='external_integrations', postgresql_using='gin')
    op.drop_table('external_integrations')
    op.drop_index('uq_encryption_keys_active', table_name='encryption_keys', postgresql_where=sa.text('active'))
    op.drop_index(op.f('ix_encryption_keys_distributor_id'), table_name='encryption_keys')
    op.drop_table('encryption_keys')
    op.drop_index(op.f('ix_customers_distributor_id_status'), table_name='customers')
    op.drop_index(op.f('ix_customers_distributor_id'), table_name='customers')
    op.drop_table('customers')
    op.drop_index(op.f('ix_customer_labels_distributor_id'), table_name='customer_labels')
    op.drop_table('customer_labels')
    op.drop_index(op.f('ix_ai_usage_metrics_distributor_id'), table_name='ai_usage_metrics')
    op.drop_table('ai_usage_metrics')
    op.drop_table('distributors')
    op.execute("DROP FUNCTION IF EXISTS set_updated_at()")
    bind = op.get_bind()
    for enum in {c.type.name: c.type for t in Base.metadata.tables.values() for c in t.c
                 if isinstance(c.type, sa.Enum)}.values():
        enum.drop(bind, checkfirst=True)
