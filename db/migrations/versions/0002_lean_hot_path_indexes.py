"""Leaner indexes on the webhook hot path.

Indexes duplicated by a unique or composite index that already leads with the same
column go; foreign keys that are NULL on most rows get partial indexes; the GIN index
on messages.ai_extracted_products goes (nothing searches it). Measured with
bench/webhook_bench.py: every index is one more write per stored message.

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REDUNDANT = [
    ("ix_customers_distributor_id", "customers", ["distributor_id"]),
    ("ix_conversations_distributor_id", "conversations", ["distributor_id"]),
    ("ix_messages_distributor_id", "messages", ["distributor_id"]),
    ("ix_messages_conversation_id", "messages", ["conversation_id"]),
    ("ix_external_message_mappings_distributor_id", "external_message_mappings",
     ["distributor_id"]),
]
PARTIAL = [
    ("ix_messages_order_session_id", "messages", "order_session_id"),
    ("ix_messages_reply_to_message_id", "messages", "reply_to_message_id"),
    ("ix_messages_order_context_id", "messages", "order_context_id"),
    ("ix_external_message_mappings_integration_id", "external_message_mappings",
     "integration_id"),
]


def upgrade() -> None:
    for name, table, _ in REDUNDANT:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_messages_ai_extracted_products", table_name="messages")
    for name, table, column in PARTIAL:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], postgresql_where=sa.text(f"{column} IS NOT NULL"))


def downgrade() -> None:
    for name, table, column in PARTIAL:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
    op.create_index("ix_messages_ai_extracted_products", "messages", ["ai_extracted_products"],
                    postgresql_using="gin")
    for name, table, columns in REDUNDANT:
        op.create_index(name, table, columns)
