"""API keys: several per distributor (`orderagent api-keys create|list|revoke`).

Hashes only at rest. Walled like every table holding a distributor's rows (0005 covers
the tables that existed before it): row-level security forced, the tenant's policy, and
the system role reading only what API-key routing needs.

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

from db.roles import SYSTEM_GRANTS, SYSTEM_ROLE, TENANT_ROLE

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
    op.execute("ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_wall ON api_keys USING (distributor_id = {TENANT}) "
               f"WITH CHECK (distributor_id = {TENANT})")
    if not _roles_ready():
        return  # the service's start check refuses to run until the roles exist
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO {TENANT_ROLE}")
    for privilege in SYSTEM_GRANTS["api_keys"]:
        op.execute(f"GRANT {privilege} ON api_keys TO {SYSTEM_ROLE}")
    op.execute("ALTER TABLE api_keys FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY system_paths ON api_keys TO {SYSTEM_ROLE} "
               "USING (true) WITH CHECK (true)")


def _roles_ready() -> bool:
    found = op.get_bind().execute(text(
        "SELECT count(*) FROM pg_roles WHERE rolname IN (:t, :s)"),
        {"t": TENANT_ROLE, "s": SYSTEM_ROLE}).scalar_one()
    return found == 2


def downgrade() -> None:
    op.drop_table("api_keys")
