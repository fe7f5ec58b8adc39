"""API keys: several per distributor (`orderagent api-keys create|list|revoke`).

Hashes only at rest. Tenant-scoped with its own row-level security policy, like every
table holding a distributor's rows (0003 covers the tables that existed before it).

Revision ID: 0006
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = "orderagent_tenant"
TENANT = "nullif(current_setting('orderagent.tenant', true), '')::uuid"


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("key_hash", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("distributor_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(["distributor_id"], ["distributors.id"],
                                name=op.f("fk_api_keys_distributor_id_distributors"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    op.create_index(op.f("ix_api_keys_distributor_id"), "api_keys", ["distributor_id"])
    op.create_index("uq_api_keys_key_hash", "api_keys", ["key_hash"], unique=True)
    op.execute(f"""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO {ROLE}';
            END IF;
        END
        $$""")
    op.execute("ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_wall ON api_keys USING (distributor_id = {TENANT}) "
               f"WITH CHECK (distributor_id = {TENANT})")


def downgrade() -> None:
    op.drop_table("api_keys")
