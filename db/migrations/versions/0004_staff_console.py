"""The staff console: password hashes, unique staff emails, console sessions.

Two indexes serve the inbox (its order, and the trigram search of message text).
`order_status` gains CANCELLED (a rejected order). `user_invitations` gains when its email is due and why the last send failed (the
console's mailer sends it with a fresh token each time).
`user_profiles.password_hash` holds an argon2id hash; `email` is unique (sign-in is by
email alone); `user_sessions` keeps one row per signed-in browser, the cookie's token
stored as its SHA-256. Sessions carry no `distributor_id` (the user's is used), so the
row-level security loop of 0003 needs no entry for them.

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # staff reject an order under review, or cancel one (PostgreSQL 12+ allows this in the
    # migration's transaction; the value is not used in it)
    op.execute("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'CANCELLED'")
    op.add_column("user_profiles", sa.Column("password_hash", sa.Text(), nullable=True))
    op.create_index("uq_user_profiles_email", "user_profiles", ["email"], unique=True)
    op.add_column("user_invitations",
                  sa.Column("send_requested_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("user_invitations", sa.Column("last_send_error", sa.Text(), nullable=True))
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ip_address", postgresql.INET(), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_profiles.id"],
                                name=op.f("fk_user_sessions_user_id_user_profiles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    # the console's inbox: its order straight off an index, and "text contains" by trigrams
    op.create_index("ix_conversations_inbox", "conversations", [
        "distributor_id", sa.text("coalesce(last_message_at, created_at) DESC"),
        sa.text("id DESC")])
    op.create_index("ix_messages_content_trgm", "messages", ["content"], postgresql_using="gin",
                    postgresql_ops={"content": "gin_trgm_ops"})
    # Row-level security keeps a non-leakproof operator such as ILIKE from using an index
    # (it must run after the policy's filter), so under the tenant role the trigram index
    # is never used. This function runs the text search as the tables' owner instead, and
    # holds the same wall itself: only the distributor the transaction is scoped to.
    op.execute(r"""
        CREATE OR REPLACE FUNCTION conversations_with_text(p_distributor uuid, p_pattern text)
        RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
            SELECT DISTINCT conversation_id FROM messages
            WHERE distributor_id = p_distributor AND content ILIKE p_pattern
              AND p_distributor = coalesce(
                  nullif(current_setting('orderagent.tenant', true), '')::uuid, p_distributor)
        $$""")
    op.execute("REVOKE ALL ON FUNCTION conversations_with_text(uuid, text) FROM PUBLIC")
    # the tenant role reads and writes sessions too (tables made after 0003's GRANT)
    op.execute("""
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orderagent_tenant') THEN
                EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON user_sessions
                         TO orderagent_tenant';
                EXECUTE 'GRANT EXECUTE ON FUNCTION conversations_with_text(uuid, text)
                         TO orderagent_tenant';
            END IF;
        END
        $$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS conversations_with_text(uuid, text)")
    op.drop_index("ix_messages_content_trgm", table_name="messages")
    op.drop_index("ix_conversations_inbox", table_name="conversations")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
    op.drop_column("user_invitations", "last_send_error")
    op.drop_column("user_invitations", "send_requested_at")
    op.drop_index("uq_user_profiles_email", table_name="user_profiles")
    op.drop_column("user_profiles", "password_hash")
