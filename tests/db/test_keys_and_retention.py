"""Master-key rotation without downtime, and retention purges that are audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from agent.context import AgentContext
from core.distributor_file import read_distributor_file
from db.crypto import Keyring, rewrap_all
from db.loader import load_distributor
from db.models import (
    AIResponse,
    DataAccessAudit,
    Distributor,
    ExternalIntegration,
    Message,
    Order,
    OrderProduct,
    OrderSessionEvent,
    OrderSessionItem,
    PIIDetectionResult,
)
from db.retention import purge
from db.tenant import ALL
from evaluation.local import say
from orderagent.bootstrap import DEMO_FILE, demo_file

OLD, NEW = b"old-master-key-0123456789", b"new-master-key-9876543210"


async def _demo(database, keyring: Keyring, tmp_path):
    _, data = demo_file(tmp_path)  # with integrations: credentials are sealed
    async with database.transaction(tenant=ALL) as s:
        return (await load_distributor(s, data, keyring)).distributor_id


async def test_rotation_rewraps_and_old_processes_keep_working(database, tmp_path) -> None:
    """After a rotation the new key opens everything; a process with both keys works too."""
    old = Keyring(OLD)
    dist = await _demo(database, old, tmp_path)
    async with database.transaction(tenant=ALL) as s:
        sealed = (await s.execute(select(ExternalIntegration.credentials))).scalars().first()
        assert await rewrap_all(s, Keyring(OLD), Keyring(NEW)) >= 1
    async with database.transaction(tenant=ALL) as s:
        assert await Keyring(NEW).decrypt_json(s, dist, sealed)  # new key alone
        both = Keyring(OLD, previous=(NEW,))  # a process not restarted yet, told of the new
        assert await both.decrypt_json(s, dist, sealed)
        cached = old  # a running process: its unwrapped data keys are cached in memory
        assert await cached.decrypt_json(s, dist, sealed)


async def test_new_data_keys_leave_old_values_readable(database, tmp_path) -> None:
    """With --data-keys new writes use a new version; older values still open."""
    dist = await _demo(database, Keyring(OLD), tmp_path)
    async with database.transaction(tenant=ALL) as s:
        before = await Keyring(OLD).encrypt(s, dist, "4242")
        new = Keyring(NEW)
        await rewrap_all(s, Keyring(OLD), new, new_data_keys=True)
        after = await new.encrypt(s, dist, "4343")
    assert before.startswith("v1:") and after.startswith("v2:")
    async with database.transaction(tenant=ALL) as s:
        assert await Keyring(NEW).decrypt(s, dist, before) == "4242"
        assert await Keyring(NEW).decrypt(s, dist, after) == "4343"


async def test_purge_removes_old_messages_keeps_orders_and_audits(database, tmp_path) -> None:
    """Past the retention period: messages, findings and AI logs go; orders stay; audited."""
    keyring = Keyring(OLD)
    async with database.transaction(tenant=ALL) as s:
        dist = (await load_distributor(s, read_distributor_file(DEMO_FILE), keyring)
                ).distributor_id
    ctx = AgentContext(keyring=keyring)
    for text in ("2 cs whole milk, my cell is (305) 555-0143", "yes"):
        await say(database, ctx, dist, sender="+13055550101", text=text)
    await say(database, ctx, dist, sender="+13055550102", text="3 dozen eggs")
    async with database.transaction(tenant=ALL) as s:
        await s.execute(update(Distributor).values(data_retention_days=30))
        old = datetime.now(UTC) - timedelta(days=40)
        customer_one = (await s.execute(select(Message.conversation_id).where(
            Message.content.like("2 cs%")))).scalar_one()
        for model in (Message, PIIDetectionResult, AIResponse):
            await s.execute(update(model).values(created_at=old))
        # the second customer's messages are recent again
        await s.execute(update(Message).where(Message.conversation_id != customer_one)
                        .values(created_at=datetime.now(UTC)))
    async with database.transaction(tenant=ALL) as s:
        dry = await purge(s, datetime.now(UTC), dry_run=True)
        assert dry[0].rows["messages"] == 4
        assert (await s.execute(select(func.count(DataAccessAudit.id)))).scalar_one() == 0
        done = await purge(s, datetime.now(UTC))
    assert done[0].rows == dry[0].rows
    async with database.transaction(tenant=ALL) as s:
        left = (await s.execute(select(Message.conversation_id))).scalars().all()
        assert left and customer_one not in left
        assert (await s.execute(select(func.count(PIIDetectionResult.id)))).scalar_one() == 0
        assert (await s.execute(select(func.count(Order.id)))).scalar_one() == 1
        audits = (await s.execute(select(DataAccessAudit))).scalars().all()
        assert {a.table_name for a in audits} >= {"messages", "pii_detection_results"}
        assert all(a.operation == "DELETE" and a.actor == "cli:purge" for a in audits)


async def test_purge_leaves_order_lines_their_product_not_the_customers_words(database) -> None:
    """An order line past the retention period keeps its product and quantity, and loses
    the customer's wording; the change is audited."""
    keyring = Keyring(OLD)
    async with database.transaction(tenant=ALL) as s:
        dist = (await load_distributor(s, read_distributor_file(DEMO_FILE), keyring)
                ).distributor_id
    ctx = AgentContext(keyring=keyring)
    for text in ("2 cs whole milk", "yes"):
        await say(database, ctx, dist, sender="+13055550103", text=text)
    async with database.transaction(tenant=ALL) as s:
        await s.execute(update(Distributor).values(data_retention_days=30))
        long_ago = datetime.now(UTC) - timedelta(days=40)
        await s.execute(update(OrderProduct).values(created_at=long_ago))
        await s.execute(update(OrderSessionItem).values(added_at=long_ago))
        await s.execute(update(OrderSessionEvent).values(created_at=long_ago))
        assert (await s.execute(select(OrderProduct.ai_original_text))).scalar_one()
        assert "whole milk" in (await s.execute(select(
            OrderSessionItem.item_metadata))).scalar_one()["text"]
        assert any("whole milk" in str(e) for e in (await s.execute(select(
            OrderSessionEvent.event_data))).scalars())
        await purge(s, datetime.now(UTC))
    async with database.transaction(tenant=ALL) as s:
        line = (await s.execute(select(OrderProduct))).scalar_one()
        assert line.ai_original_text is None and line.matched_product_id is not None
        assert line.quantity == 2
        item = (await s.execute(select(OrderSessionItem))).scalar_one()
        assert "text" not in item.item_metadata and item.quantity == 2
        assert item.item_metadata["method"]  # what the match was stays for the review
        events = (await s.execute(select(OrderSessionEvent.event_data))).scalars().all()
        assert events and not any("whole milk" in str(e) for e in events)
        audit = (await s.execute(select(DataAccessAudit).where(
            DataAccessAudit.table_name == "order_products"))).scalar_one()
        assert audit.operation == "UPDATE"
