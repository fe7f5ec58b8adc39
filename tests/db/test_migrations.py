"""The schema is built from nothing by the migrations, with every table of the data model."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db.engine import make_engine
from db.migrate import current_revision, upgrade
from db.scratch import create_database, database_url, drop_database

# table -> key columns, from shared/specs/order-platform-data-model.md and schema.md
DATA_MODEL = {
    "distributors": ["id", "business_name", "api_key_hash", "ai_confidence_threshold",
                     "monthly_ai_budget_usd", "subscription_tier", "status", "updated_at"],
    "user_profiles": ["id", "distributor_id", "role", "permissions", "status"],
    "user_invitations": ["id", "distributor_id", "email", "invitation_token", "expires_at"],
    "customers": ["id", "distributor_id", "business_name", "phone", "email", "status",
                  "invitation_status", "total_spent"],
    "customer_labels": ["id", "distributor_id", "name", "color"],
    "customer_label_assignments": ["customer_id", "label_id", "value", "assigned_at"],
    "conversations": ["id", "customer_id", "distributor_id", "channel", "status",
                      "last_message_at", "unread_count", "ai_context_summary"],
    "messages": ["id", "conversation_id", "content", "is_from_customer", "message_type",
                 "status", "attachments", "ai_processed", "ai_confidence", "ai_extracted_intent",
                 "ai_extracted_products", "ai_suggested_responses", "order_session_id",
                 "thread_position", "reply_to_message_id", "external_message_id"],
    "external_message_mappings": ["distributor_id", "provider", "external_id", "message_id"],
    "orders": ["id", "customer_id", "distributor_id", "conversation_id", "channel", "status",
               "total_amount", "ai_generated", "ai_confidence", "order_session_id",
               "is_consolidated", "requires_review", "reviewed_by"],
    "order_products": ["id", "order_id", "product_name", "quantity", "unit_price", "line_price",
                       "ai_confidence", "ai_original_text", "suggested_product_id",
                       "manual_override", "matched_product_id", "matching_confidence",
                       "matching_method", "matching_score", "alternative_matches"],
    "order_attachments": ["id", "order_id", "message_id", "content_type", "size_bytes",
                          "provider_url", "storage_key"],
    "conversation_order_sessions": ["id", "conversation_id", "distributor_id", "status",
                                    "outcome", "consolidated_order_id",
                                    "auto_close_timeout_minutes", "reminder_sent_at"],
    "order_session_items": ["id", "order_session_id", "product_id", "quantity", "status",
                            "source_message_id", "ai_confidence"],
    "order_session_events": ["id", "order_session_id", "event_type", "event_data",
                             "message_id"],
    "products": ["id", "distributor_id", "name", "sku", "category_id", "unit", "unit_price",
                 "aliases", "keywords", "common_misspellings", "in_stock", "active"],
    "product_categories": ["id", "distributor_id", "name", "parent_category_id"],
    "product_variants": ["id", "product_id", "distributor_id", "variant_name", "variant_type",
                         "sku", "unit_price", "ai_aliases"],
    "product_bundles": ["id", "distributor_id", "name", "sku"],
    "product_bundle_items": ["id", "bundle_id", "product_id", "variant_id", "quantity"],
    "ai_responses": ["id", "message_id", "agent_type", "agent_version", "confidence",
                     "processing_time", "extracted_data", "tokens_used", "model_used",
                     "prompt_version", "human_feedback", "was_used"],
    "ai_usage_metrics": ["id", "distributor_id", "period_start", "period_end",
                         "requests_count", "tokens_used", "cost_usd", "avg_confidence"],
    "ai_errors": ["id", "distributor_id", "message_id", "agent_type", "provider", "model",
                  "error_type", "error_message", "http_status", "retry_count"],
    "ai_training_data": ["id", "input_text", "expected_output", "actual_output", "data_source"],
    "data_access_audit": ["id", "table_name", "operation", "user_id", "distributor_id",
                          "attempted_record_id", "ip_address", "user_agent", "created_at"],
    "pii_detection_results": ["id", "distributor_id", "message_id", "pii_type",
                              "detected_value", "confidence_score", "action_taken"],
    "encryption_keys": ["id", "distributor_id", "version", "algorithm", "active", "rotated_at"],
    "webhook_endpoints": ["id", "distributor_id", "url", "events", "auth_type", "auth_value",
                          "total_deliveries", "successful_deliveries", "failed_deliveries"],
    "webhook_deliveries": ["id", "webhook_endpoint_id", "event_type", "event_data", "status",
                           "attempt_number", "response_status_code", "retry_after"],
    "external_integrations": ["id", "distributor_id", "integration_type", "provider", "config",
                              "credentials", "status"],
}


@pytest.fixture
async def empty_db(pg_server_url: str):
    """An empty database (no schema) and an engine on it."""
    name = await create_database(pg_server_url)
    engine = make_engine(database_url(pg_server_url, name), pool_size=1)
    yield engine
    await engine.dispose()
    await drop_database(pg_server_url, name)


async def _columns(engine) -> dict[str, set[str]]:
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"))).all()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


async def test_upgrade_from_empty_builds_every_table_of_the_data_model(empty_db) -> None:
    """Every table the data model names exists with its key columns after one upgrade."""
    assert await current_revision(empty_db) is None
    await upgrade(empty_db)
    assert await current_revision(empty_db) is not None
    columns = await _columns(empty_db)
    for table, expected in DATA_MODEL.items():
        assert table in columns, f"missing table {table}"
        missing = set(expected) - columns[table]
        assert not missing, f"{table} lacks {sorted(missing)}"


async def test_upgrade_twice_is_a_no_op(empty_db) -> None:
    """A second upgrade (another process starting) changes nothing and does not fail."""
    await upgrade(empty_db)
    before = await _columns(empty_db)
    await upgrade(empty_db)
    assert await _columns(empty_db) == before


async def test_updated_at_is_kept_current_by_the_database(empty_db) -> None:
    """Raw SQL updates move updated_at forward too (a trigger, not only the ORM)."""
    await upgrade(empty_db)
    async with empty_db.begin() as conn:
        await conn.execute(text(
            "INSERT INTO distributors (slug, business_name, updated_at) "
            "VALUES ('t', 'T', now() - interval '1 day')"))
        await conn.execute(text("UPDATE distributors SET business_name = 'T2'"))
        age = (await conn.execute(text(
            "SELECT now() - updated_at < interval '1 minute' FROM distributors"))).scalar_one()
    assert age is True


async def test_foreign_keys_are_indexed(empty_db) -> None:
    """Every foreign key column leads some index (the seed asks for it)."""
    await upgrade(empty_db)
    async with empty_db.connect() as conn:
        unindexed = (await conn.execute(text("""
            SELECT c.conrelid::regclass::text, a.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND NOT EXISTS (
                SELECT 1 FROM pg_index i
                WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
        """))).all()
    assert unindexed == []


async def test_the_models_and_the_migrations_agree(empty_db) -> None:
    """Autogenerate finds nothing to add: the migrations build exactly the models' schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    await upgrade(empty_db)

    def diff(conn) -> list:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)

    async with empty_db.connect() as conn:
        assert await conn.run_sync(diff) == []
